// Package control is the simulator's JSON control API, the surface of
// `cbsim serve`: fire one event, walk a buyer through a funnel, read,
// follow, replay and clear the journal, list and change the
// integrations, move the clock, list the macros.
//
//	POST   /fire          one event: {"event","role","url"|"integration", "vendor","affiliate","item","price",
//	                      "commission","currency","tid","tid_rule","vtid","params","zip","country","test_card",
//	                      "seed","test_fire","dry_run"} → {"deliveries":[...],"notes":[...]}
//	POST   /journeys      a buyer through a funnel: {"funnel","affiliate","tid","tid_rule","vtid","params","zip",
//	                      "country","accept":[bool],"abandon","test_card","seed","dry_run"} → {"deliveries","notes"},
//	                      and "ins" (the purchases' INS notifications) when the simulator has INS endpoints
//	POST   /ins/refund    {"receipt"} → {"ins":[...]}: RFND of an earlier purchase or rebill (Simulator.Refund)
//	POST   /ins/chargeback {"receipt"} → {"ins":[...]}: CGBK (Simulator.Chargeback)
//	POST   /ins/rebill    {"receipt","payment"} → {"ins":[...]}: BILL -B00N of a subscription (Simulator.Rebill)
//	POST   /ins/insf      {"receipt","payment"} → {"ins":[...]}: INSF, a failed charge -B00N (Simulator.InsufficientFunds)
//	POST   /ins/cancel-rebill {"receipt"} → {"ins":[...]}: CANCEL-REBILL of a subscription (Simulator.CancelRebill)
//	POST   /ins/uncancel-rebill {"receipt"} → {"ins":[...]}: UNCANCEL-REBILL (Simulator.UncancelRebill)
//	GET    /journal       ?offset=N&limit=M: a page of the journal's deliveries (limit at most MaxJournalPage,
//	                      default that), its notes, and "offset","next","total","rolled_off","notes_rolled_off";
//	                      "ins": the latest MaxJournalPage INS deliveries kept, "ins_omitted": older ones kept
//	                      but left out; DELETE /journal forgets them all
//	GET    /journal/stream ?from=N: the journal as server-sent events (text/event-stream): each delivery as
//	                      "id: INSTANCE.EPOCH.N", "event: delivery", "data: {record with "n"}"; notes journaled meanwhile as
//	                      "event: note" {"kind","text"}; "event: reset" {"next"} after DELETE /journal; a comment
//	                      every 15 s; honours Last-Event-ID (stream.go)
//	POST   /journal/replay {"n": N} or {"since": RFC3339} → {"deliveries":[...]}: resend a failed delivery, or every
//	                      failed one since then, once per chain (replay.go)
//	GET    /integrations  the integrations in use; PUT /integrations with an integrations file's JSON replaces them
//	                      (checked as --integrations checks the file), PATCH /integrations/{name} {"active","url"}
//	                      changes one: both answer the new list (integrations.go)
//	GET    /clock         {"now","offset"}: the simulator's clock; POST /clock {"advance": "60d" or "36h"} or
//	                      {"set": RFC3339} moves it (hop cookies age by it) (clock.go)
//	GET    /macros
//	GET    /healthz       {"status":"ok","version","commit","date","go","platform"}: no token needed
//	GET    /              the web console (console.go): the live journal, the fire form with its preview, replay,
//	                      the integrations and the clock, over this same API; its page and GET /console/NAME
//	                      files need no token (the page asks for it), the API it calls does
//
// WithFront serves the buyer's side of ClickBank beside the API (package
// simulator/storefront: hoplinks, sales pages, order forms, upsells, and
// the proxy for ClickBank's host names): what the Front handles reaches it
// without the API's guard, as a buyer's browser reaches ClickBank.
//
// POST, PUT and PATCH bodies must be declared Content-Type:
// application/json and hold one JSON object and nothing after it. A
// request a browser marks as cross-origin (Sec-Fetch-Site, or an Origin
// other than the server's) is refused, so a web page cannot make the
// simulator fire; WithToken makes every endpoint but /healthz and the
// console's static files require
// "Authorization: Bearer TOKEN" (guard.go); WithSecrets masks secrets
// (tokens in the integrations' URLs) as *** in every answer, as it always
// masks the secret keys of the INS endpoints and the secrets of URLs given
// by PUT and PATCH /integrations.
//
// Errors are {"error": "...", "param": "..."} with the status of their code
// (error.go): 400 for a bad request, 401 for a missing or wrong token, 403
// for a cross-origin request, 404 for an unknown funnel, integration, item,
// receipt, delivery number or endpoint, 405 for a method an endpoint does
// not take, 409 for an INS request to a simulator without INS endpoints,
// 415 for a body not declared JSON. A dry run builds the deliveries and
// journals nothing, for /fire and /journeys alike.
//
// A request without "seed" takes the next seed of the handler's sequence
// (Seed, Seed+1, ...), so repeated requests get fresh receipts and event
// ids while a server started with the same seed replays the same values.
// Requests run concurrently: a slow tracker delays only its own requests.
package control

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cbsim/cbsim/internal/buildinfo"
	"github.com/cbsim/cbsim/internal/redact"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/macro"
)

// Handler serves the control API of one simulator.
type Handler struct {
	sim  *simulator.Simulator
	seed uint64        // first seed of the sequence
	next atomic.Uint64 // requests without a seed taken so far
	mux  *http.ServeMux

	token   string           // required as "Authorization: Bearer token"; "" = none (WithToken)
	secrets *redact.Redactor // masked in every answer (WithSecrets, and the URLs' secrets of PUT and PATCH /integrations)
	front   Front            // the buyer's side of ClickBank served beside the API (WithFront); nil = none
	hosts   []string         // Host names answered without a token beside IPs and localhost (WithAllowedHosts), lower case

	heartbeat time.Duration // how often a quiet journal stream sends a comment; DefaultHeartbeat
	closing   chan struct{} // closed by CloseStreams: open journal streams end
	instance  string        // random, per handler: names this server in its streams' event ids (streamID)
	closeOnce sync.Once     // guards closing's close
	insMu     sync.Mutex    // serializes PUT and PATCH /integrations, so no change is lost
}

// Front is the buyer's side of ClickBank that `cbsim serve` serves beside
// the control API: hoplinks, vendor pages, order forms, and the proxy for
// ClickBank's own host names (package simulator/storefront). Requests it
// Handles reach it without the API's guard: a buyer's browser arrives
// there from the tracker's site, cross-origin and without a token, as it
// arrives at ClickBank.
type Front interface {
	http.Handler
	Handles(r *http.Request) bool
}

// WithFront serves f beside the control API: every request f Handles goes
// to f, the rest to the API.
func WithFront(f Front) Option {
	return func(h *Handler) { h.front = f }
}

// NewHandler returns the control API of sim; requests without a seed take
// seed, seed+1, ...
func NewHandler(sim *simulator.Simulator, seed uint64, opts ...Option) *Handler {
	h := &Handler{sim: sim, seed: seed, mux: http.NewServeMux(), secrets: redact.New(),
		heartbeat: DefaultHeartbeat, closing: make(chan struct{}), instance: newInstance()}
	for _, o := range opts {
		o(h)
	}
	h.secrets.Add(insSecrets(sim)...)
	if sim.Clock == nil {
		sim.Clock = &simulator.Clock{} // the real time, until POST /clock moves it
	}
	health := healthBody{Status: "ok", Info: buildinfo.Read()}
	h.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, health)
	})
	h.mux.HandleFunc("POST /fire", run(h.fire))
	h.mux.HandleFunc("POST /journeys", run(h.journey))
	h.mux.HandleFunc("POST /ins/refund", h.afterINS(false, func(ctx context.Context, receipt string, _ int) ([]simulator.INSDelivery, error) {
		return sim.Refund(ctx, receipt)
	}))
	h.mux.HandleFunc("POST /ins/chargeback", h.afterINS(false, func(ctx context.Context, receipt string, _ int) ([]simulator.INSDelivery, error) {
		return sim.Chargeback(ctx, receipt)
	}))
	h.mux.HandleFunc("POST /ins/rebill", h.afterINS(true, sim.Rebill))
	h.mux.HandleFunc("POST /ins/insf", h.afterINS(true, sim.InsufficientFunds))
	h.mux.HandleFunc("POST /ins/cancel-rebill", h.afterINS(false, func(ctx context.Context, receipt string, _ int) ([]simulator.INSDelivery, error) {
		return sim.CancelRebill(ctx, receipt)
	}))
	h.mux.HandleFunc("POST /ins/uncancel-rebill", h.afterINS(false, func(ctx context.Context, receipt string, _ int) ([]simulator.INSDelivery, error) {
		return sim.UncancelRebill(ctx, receipt)
	}))
	h.mux.HandleFunc("GET /journal", func(w http.ResponseWriter, r *http.Request) {
		res, err := journalBody(sim.Journal, r.URL.Query())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	})
	h.mux.HandleFunc("DELETE /journal", func(w http.ResponseWriter, r *http.Request) {
		sim.Journal.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	h.mux.HandleFunc("GET /journal/stream", h.stream)
	h.mux.HandleFunc("POST /journal/replay", run(h.replay))
	h.mux.HandleFunc("GET /integrations", h.integrations)
	h.mux.HandleFunc("PUT /integrations", h.putIntegrations)
	h.mux.HandleFunc("PATCH /integrations/{name}", h.patchIntegration)
	h.mux.HandleFunc("GET /clock", h.getClock)
	h.mux.HandleFunc("POST /clock", run(h.setClock))
	h.mux.HandleFunc("GET /macros", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, macro.Catalog())
	})
	h.consoleRoutes()
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, refuse(ENotFound, "", "no such endpoint %s %s (endpoints: POST /fire, POST /journeys, POST /ins/refund, POST /ins/chargeback, POST /ins/rebill, POST /ins/insf, POST /ins/cancel-rebill, POST /ins/uncancel-rebill, GET|DELETE /journal, GET /journal/stream, POST /journal/replay, GET|PUT /integrations, PATCH /integrations/{name}, GET|POST /clock, GET /macros, GET /healthz, GET / (the console))", r.Method, r.URL.Path))
	})
	return h
}

// healthBody is GET /healthz's answer: "ok" and which cbsim answers
// (version, commit, date, go, platform), as `cbsim version --json` prints
// it.
type healthBody struct {
	Status string `json:"status"`
	buildinfo.Info
}

// ServeHTTP routes the control API. A known path with another method is a
// 405 that lists the methods it takes. The secrets of WithSecrets are
// masked in every answer's body.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.front != nil && h.front.Handles(r) {
		h.front.ServeHTTP(w, r)
		return
	}
	// Every answer passes through the masking, also without secrets yet:
	// a request may add some (PUT /integrations), and a writer that has
	// none passes the bytes straight on.
	mw := &maskedWriter{ResponseWriter: w, body: h.secrets.Writer(w)}
	defer mw.body.Flush()
	w = mw
	if err := h.guard(r); err != nil {
		if errorOf(err).Code == EUnauthorized {
			w.Header().Set("WWW-Authenticate", "Bearer")
		}
		writeError(w, err)
		return
	}
	if _, pattern := h.mux.Handler(r); pattern == "/" {
		if allow := allowed(r.URL.Path); allow != "" {
			w.Header().Set("Allow", allow)
			writeError(w, refuse(EMethod, "", "method %s not allowed on %s (allowed: %s)", r.Method, r.URL.Path, allow))
			return
		}
	}
	h.mux.ServeHTTP(w, r)
}

// maskedWriter is a ResponseWriter whose body passes through a
// redact.Writer; the handler flushes it when the answer is written.
type maskedWriter struct {
	http.ResponseWriter
	body *redact.Writer
}

func (m *maskedWriter) Write(p []byte) (int, error) { return m.body.Write(p) }

// FlushError passes on what the masking holds back (the end of a complete
// server-sent event: no secret spans two) and flushes the connection, so
// the journal stream is both masked and live.
func (m *maskedWriter) FlushError() error {
	if err := m.body.Flush(); err != nil {
		return err
	}
	return http.NewResponseController(m.ResponseWriter).Flush()
}

// Flush is FlushError for an http.Flusher's user.
func (m *maskedWriter) Flush() { _ = m.FlushError() }

// Unwrap returns the connection's writer, for http.ResponseController.
func (m *maskedWriter) Unwrap() http.ResponseWriter { return m.ResponseWriter }

// CloseStreams ends every open GET /journal/stream, and any opened later
// at once, so that a server can shut down; Server.Close calls it.
func (h *Handler) CloseStreams() {
	h.closeOnce.Do(func() { close(h.closing) })
}

// allowed returns the methods a path of the API takes, "" for no such path.
func allowed(path string) string {
	switch path {
	case "/fire", "/journeys", "/ins/refund", "/ins/chargeback", "/ins/rebill", "/ins/insf", "/ins/cancel-rebill", "/ins/uncancel-rebill":
		return "POST"
	case "/journal":
		return "GET, DELETE"
	case "/journal/stream":
		return "GET"
	case "/journal/replay":
		return "POST"
	case "/integrations":
		return "GET, PUT"
	case "/clock":
		return "GET, POST"
	case "/healthz", "/macros":
		return "GET"
	}
	if name, ok := strings.CutPrefix(path, "/integrations/"); ok && name != "" && !strings.Contains(name, "/") {
		return "PATCH"
	}
	return ""
}

// seedOf returns the request's seed, or the next of the sequence.
func (h *Handler) seedOf(given *uint64) uint64 {
	if given != nil {
		return *given
	}
	return h.seed + h.next.Add(1) - 1
}

// buyerBody holds the fields /fire and /journeys share: what the buyer's
// click carries, who the buyer is, and how to run.
type buyerBody struct {
	TID      string            `json:"tid"`
	TIDRule  string            `json:"tid_rule"`
	VTID     string            `json:"vtid"`
	Params   map[string]string `json:"params"`
	Zip      string            `json:"zip"`
	Country  string            `json:"country"`
	TestCard bool              `json:"test_card"`
	Seed     *uint64           `json:"seed"`
	DryRun   bool              `json:"dry_run"`
}

// buyer returns the buyer the body describes; the rest is drawn from the seed.
func (b buyerBody) buyer() simulator.Buyer {
	return simulator.Buyer{PostalCode: b.Zip, Country: b.Country}
}

// fireBody is the JSON of POST /fire.
type fireBody struct {
	Event       string  `json:"event"`
	Role        string  `json:"role"`
	URL         string  `json:"url"`
	Integration string  `json:"integration"`
	Vendor      string  `json:"vendor"`
	Affiliate   *string `json:"affiliate"` // absent = the default affiliate, "" = a direct sale
	Item        string  `json:"item"`
	Price       string  `json:"price"`
	Commission  string  `json:"commission"`
	Currency    string  `json:"currency"`
	TestFire    bool    `json:"test_fire"`
	buyerBody
}

// run adapts a run of the simulator to HTTP: it decodes the body B
// strictly, and writes the result R or the error.
func run[B, R any](f func(ctx context.Context, b *B) (R, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b B
		err := jsonBody(r)
		if err == nil {
			err = decodeBody(r, &b)
		}
		var res R
		if err == nil {
			res, err = f(r.Context(), &b)
		}
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	}
}

func (h *Handler) fire(ctx context.Context, b *fireBody) (runResult, error) {
	req := simulator.FireRequest{URL: b.URL, Integration: b.Integration, Vendor: b.Vendor, Affiliate: simulator.DefaultAffiliate,
		Item: b.Item, Currency: b.Currency, TID: b.TID, VTID: b.VTID, Tracking: b.Params, TestCard: b.TestCard,
		Buyer: b.buyer(), TestFire: b.TestFire, DryRun: b.DryRun}
	if b.Affiliate != nil {
		req.Affiliate = *b.Affiliate
	}
	text := simulator.FireText{Event: b.Event, Role: b.Role, TIDRule: b.TIDRule, Price: b.Price, Commission: b.Commission}
	if err := text.Apply(&req); err != nil {
		return runResult{}, err
	}
	req.Seed = h.seedOf(b.Seed)
	res, err := h.sim.Fire(ctx, req)
	return runBody(res.Deliveries, res.Notes), err
}

// journeyBody is the JSON of POST /journeys.
type journeyBody struct {
	Funnel    string `json:"funnel"`
	Affiliate string `json:"affiliate"`
	Accept    []bool `json:"accept"`
	Abandon   bool   `json:"abandon"`
	buyerBody
}

func (h *Handler) journey(ctx context.Context, b *journeyBody) (runResult, error) {
	rule, err := ids.ParseTIDRule(b.TIDRule)
	if err != nil {
		return runResult{}, &simulator.ParamError{Param: "tid_rule", Err: err}
	}
	j := simulator.Journey{Funnel: b.Funnel, Affiliate: b.Affiliate, TID: b.TID, TIDRule: rule, VTID: b.VTID, Tracking: b.Params,
		Buyer: b.buyer(), TestCard: b.TestCard, Accept: b.Accept, Abandon: b.Abandon}
	walk, out, err := h.sim.RunAll(ctx, j, simulator.NewRand(h.seedOf(b.Seed)), simulator.DefaultTime, b.DryRun)
	if nf, ok := errors.AsType[*simulator.NotFoundError](err); ok {
		return runResult{}, &Error{Code: ENotFound, Param: nf.Kind, Err: err} // the body's field that named it: funnel or affiliate
	}
	res := runBody(out.Deliveries, walk.Notes)
	if len(h.sim.INSEndpoints) > 0 {
		res.INS = insRecords(out.INS)
	}
	return res, err
}

// runResult is the reply of /fire, /journeys and GET /journal.
type runResult struct {
	Deliveries []simulator.DeliveryRecord `json:"deliveries"`
	Notes      []simulator.Note           `json:"notes"`
	INS        []insRecord                `json:"ins,omitempty"` // /journeys with INS endpoints (GET /journal: always)
}

func runBody(ds []simulator.Delivery, notes []simulator.Note) runResult {
	out := runResult{Deliveries: make([]simulator.DeliveryRecord, len(ds)), Notes: notes}
	for i := range ds {
		out.Deliveries[i] = ds[i].Record()
	}
	if out.Notes == nil {
		out.Notes = []simulator.Note{}
	}
	return out
}

// decodeBody reads a JSON request body strictly (unknown fields are errors).
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return refuse(EInvalid, "", "the request body must be a JSON object")
		}
		return refuse(EInvalid, "", "request body: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return refuse(EInvalid, "", "request body: unexpected data after the JSON object (send exactly one object)")
	}
	return nil
}

// writeError writes err with the status of its code.
func writeError(w http.ResponseWriter, err error) {
	e := errorOf(err)
	body := map[string]string{"error": e.Err.Error()}
	if e.Param != "" {
		body["param"] = e.Param
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
