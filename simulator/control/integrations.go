package control

import (
	"errors"
	"io"
	"net/http"

	"github.com/cbsim/cbsim/internal/jsonpos"
	"github.com/cbsim/cbsim/internal/redact"
	"github.com/cbsim/cbsim/simulator"
)

// maxIntegrationsBody is the largest integrations file PUT /integrations
// takes.
const maxIntegrationsBody = 1 << 20

// integrationRecord is the JSON form of an integration.
type integrationRecord struct {
	Name     string                         `json:"name"`
	Role     simulator.Role                 `json:"role"`
	Account  string                         `json:"account,omitempty"`
	Active   bool                           `json:"active"`
	Events   []simulator.EventType          `json:"events"`
	URL      string                         `json:"url,omitempty"`
	PerEvent bool                           `json:"per_event"`
	URLs     map[simulator.EventType]string `json:"urls,omitempty"`
	// RoleMacros is the fixture's "role_specific_macros": "empty" or "send".
	RoleMacros string `json:"role_specific_macros"`
}

func integrationsBody(ins []simulator.Integration) []integrationRecord {
	out := make([]integrationRecord, len(ins))
	for i, in := range ins {
		out[i] = integrationRecord{Name: in.Name, Role: in.Role, Account: in.Account, Active: in.Active,
			Events: in.Events, URL: in.URL, PerEvent: in.PerEvent, URLs: in.URLs, RoleMacros: "empty"}
		if in.SendOtherRoleMacros {
			out[i].RoleMacros = "send"
		}
	}
	return out
}

// integrations serves GET /integrations: the integrations in use.
func (h *Handler) integrations(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, integrationsBody(h.sim.CurrentIntegrations()))
}

// putIntegrations serves PUT /integrations: the body is an integrations
// file ({"integrations": [...]}, as --integrations reads it), checked as
// one (simulator.ParseIntegrations: a fault is a 400 naming its JSON path,
// such as integrations[0].url); it replaces every integration, and the
// answer is the new list, as GET /integrations gives it. The literal
// values of the URLs' secret-named query parameters are masked from then
// on.
func (h *Handler) putIntegrations(w http.ResponseWriter, r *http.Request) {
	if err := jsonBody(r); err != nil {
		writeError(w, err)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, maxIntegrationsBody+1))
	if err != nil {
		writeError(w, refuse(EInvalid, "", "request body: %w", err))
		return
	}
	if len(data) > maxIntegrationsBody {
		writeError(w, refuse(EInvalid, "", "request body: larger than %d bytes", maxIntegrationsBody))
		return
	}
	secrets := redact.JSONQuerySecrets(data)
	ins, err := simulator.ParseIntegrations("request body", data)
	if err != nil {
		param := ""
		if fe, ok := errors.AsType[*jsonpos.FileError](err); ok {
			param = fe.Path
		}
		writeRefusal(w, &Error{Code: EInvalid, Param: param, Err: err}, secrets)
		return
	}
	h.insMu.Lock()
	defer h.insMu.Unlock()
	if !h.setIntegrations(w, ins, secrets) {
		return
	}
	writeJSON(w, http.StatusOK, integrationsBody(h.sim.CurrentIntegrations()))
}

// patchBody is the JSON of PATCH /integrations/{name}: what to change.
type patchBody struct {
	Active *bool   `json:"active"`
	URL    *string `json:"url"`
}

// patchIntegration serves PATCH /integrations/{name}: {"active": bool}
// turns the integration on or off, {"url": "..."} gives it another URL
// (one that is not per event type), either or both. An unknown name is a
// 404; a bad URL a 400 naming "url". The answer is the new list, as GET
// /integrations gives it.
func (h *Handler) patchIntegration(w http.ResponseWriter, r *http.Request) {
	var b patchBody
	err := jsonBody(r)
	if err == nil {
		err = decodeBody(r, &b)
	}
	if err == nil && b.Active == nil && b.URL == nil {
		err = refuse(EInvalid, "active", `give "active" (true or false), "url", or both`)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	name := r.PathValue("name")
	var secrets []redact.Param
	if b.URL != nil {
		secrets = redact.QuerySecrets(*b.URL)
	}
	h.insMu.Lock()
	defer h.insMu.Unlock()
	ins := h.sim.CurrentIntegrations()
	i := -1
	for j, in := range ins {
		if in.Name == name {
			i = j
		}
	}
	if i < 0 {
		_, err := h.sim.Integration(name)
		writeRefusal(w, &Error{Code: ENotFound, Param: "name", Err: err}, secrets)
		return
	}
	if b.Active != nil {
		ins[i].Active = *b.Active
	}
	if b.URL != nil {
		if ins[i].PerEvent {
			writeError(w, refuse(EInvalid, "url", "integration %q has a URL per event type: give its urls with PUT /integrations", name))
			return
		}
		ins[i].URL = *b.URL
	}
	if !h.setIntegrations(w, ins, secrets) {
		return
	}
	writeJSON(w, http.StatusOK, integrationsBody(h.sim.CurrentIntegrations()))
}

// setIntegrations puts ins in use, the secrets of their URLs masked from
// before the first answer that could show them; refused, it writes the
// refusal and returns false. h.insMu is held.
func (h *Handler) setIntegrations(w http.ResponseWriter, ins []simulator.Integration, secrets []redact.Param) bool {
	if err := simulator.CheckIntegrations(ins); err != nil {
		writeRefusal(w, err, secrets)
		return false
	}
	h.addSecrets(secrets)
	if err := h.sim.SetIntegrations(ins); err != nil { // checked above: only a change of the rules lands here
		writeError(w, err)
		return false
	}
	return true
}

// writeRefusal writes err with the secrets of the refused request masked
// in it. A refused change changes nothing, so they are not added to the
// masking of later answers.
func writeRefusal(w http.ResponseWriter, err error, secrets []redact.Param) {
	m := redact.New()
	for _, p := range secrets {
		m.Add(p.Value, p.Raw)
	}
	e := errorOf(err)
	writeError(w, &Error{Code: e.Code, Param: e.Param, Err: errors.New(m.String(e.Err.Error()))})
}

// addSecrets masks ps from now on, as given and as written in the URL.
func (h *Handler) addSecrets(ps []redact.Param) {
	for _, p := range ps {
		h.secrets.Add(p.Value, p.Raw)
	}
}
