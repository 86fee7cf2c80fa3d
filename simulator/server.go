package simulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/macro"
)

// Handler is the simulator's JSON control API, the surface of `cbsim serve`:
//
//	POST   /fire       one event: {"event","role","url"|"integration", "vendor","affiliate","item","price",
//	                   "commission","currency","tid","tid_rule","vtid","params","zip","country","test_card",
//	                   "seed","test_fire","dry_run"} → {"deliveries":[...],"notes":[...]}
//	POST   /journeys   a buyer through a funnel: {"funnel","affiliate","tid","tid_rule","vtid","params","zip",
//	                   "country","accept":[bool],"abandon","test_card","seed","dry_run"} → {"deliveries","notes"}
//	GET    /journal    every delivery and note so far; DELETE /journal forgets them
//	GET    /integrations, GET /macros, GET /healthz
//
// Errors are {"error": "...", "param": "..."} with status 400 (bad request),
// 404 (unknown integration or funnel) or 405.
//
// A request without "seed" takes the next seed of the handler's sequence
// (Seed, Seed+1, ...), so repeated requests get fresh receipts and event
// ids while a server started with the same seed replays the same values.
type Handler struct {
	Sim  *Simulator
	Seed uint64 // first seed of the sequence; set before serving

	mu   sync.Mutex // serializes runs so each one's deliveries are its own; guards next
	next uint64     // requests without a seed taken so far
}

// NewHandler returns the control API of sim.
func NewHandler(sim *Simulator) *Handler { return &Handler{Sim: sim} }

// seed returns the request's seed, or the next of the sequence. h.mu must be held.
func (h *Handler) seed(given *uint64) uint64 {
	if given != nil {
		return *given
	}
	s := h.Seed + h.next
	h.next++
	return s
}

// ServeHTTP routes the control API.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route := r.Method + " " + r.URL.Path
	switch route {
	case "GET /healthz":
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	case "POST /fire":
		h.fire(w, r)
	case "POST /journeys":
		h.journey(w, r)
	case "GET /journal":
		writeJSON(w, http.StatusOK, journalBody(h.Sim.Journal))
	case "DELETE /journal":
		h.Sim.Journal.Reset()
		w.WriteHeader(http.StatusNoContent)
	case "GET /integrations":
		writeJSON(w, http.StatusOK, integrationsBody(h.Sim.Integrations))
	case "GET /macros":
		writeJSON(w, http.StatusOK, macro.Catalog())
	default:
		switch r.URL.Path {
		case "/healthz", "/fire", "/journeys", "/journal", "/integrations", "/macros":
			writeError(w, http.StatusMethodNotAllowed, "", fmt.Errorf("method %s not allowed on %s", r.Method, r.URL.Path))
		default:
			writeError(w, http.StatusNotFound, "", fmt.Errorf("no such endpoint %s (endpoints: POST /fire, POST /journeys, GET|DELETE /journal, GET /integrations, GET /macros, GET /healthz)", r.URL.Path))
		}
	}
}

// apiError is a request error naming the parameter at fault.
type apiError struct {
	status int
	param  string
	err    error
}

func (e *apiError) Error() string { return e.err.Error() }

func bad(param string, err error) error {
	return &apiError{status: http.StatusBadRequest, param: param, err: err}
}

type fireBody struct {
	Event       string            `json:"event"`
	Role        string            `json:"role"`
	URL         string            `json:"url"`
	Integration string            `json:"integration"`
	Vendor      string            `json:"vendor"`
	Affiliate   *string           `json:"affiliate"`
	Item        string            `json:"item"`
	Price       string            `json:"price"`
	Commission  string            `json:"commission"`
	Currency    string            `json:"currency"`
	TID         string            `json:"tid"`
	TIDRule     string            `json:"tid_rule"`
	VTID        string            `json:"vtid"`
	Params      map[string]string `json:"params"`
	Zip         string            `json:"zip"`
	Country     string            `json:"country"`
	TestCard    bool              `json:"test_card"`
	Seed        *uint64           `json:"seed"`
	TestFire    bool              `json:"test_fire"`
	DryRun      bool              `json:"dry_run"`
}

func (h *Handler) fire(w http.ResponseWriter, r *http.Request) {
	var b fireBody
	if err := decodeBody(r, &b); err != nil {
		writeErr(w, err)
		return
	}
	req, err := h.fireRequest(b)
	if err != nil {
		writeErr(w, err)
		return
	}
	h.mu.Lock()
	req.Seed = h.seed(b.Seed)
	res, err := Fire(r.Context(), h.Sim.Catalog, h.Sim.Dispatcher, req)
	h.mu.Unlock()
	if err != nil {
		writeErr(w, bad("", err))
		return
	}
	writeJSON(w, http.StatusOK, runBody(res.Deliveries, res.Notes))
}

func (h *Handler) fireRequest(b fireBody) (FireRequest, error) {
	req := FireRequest{Vendor: b.Vendor, Affiliate: "aff01", Item: b.Item, Currency: b.Currency, TID: b.TID, VTID: b.VTID,
		Tracking: b.Params, TestCard: b.TestCard, TestFire: b.TestFire, DryRun: b.DryRun, URL: b.URL,
		Buyer: Buyer{PostalCode: b.Zip, Country: b.Country}}
	if b.Affiliate != nil {
		req.Affiliate = *b.Affiliate
	}
	if req.Item == "" && b.Price == "" {
		req.Item = "KETO-FE"
	}
	text := FireText{Event: b.Event, Role: b.Role, TIDRule: b.TIDRule, Price: b.Price, Commission: b.Commission}
	if err := text.Apply(&req); err != nil {
		var pe *ParamError
		errors.As(err, &pe)
		return req, bad(pe.Param, pe.Err)
	}
	switch {
	case b.URL != "" && b.Integration != "":
		return req, bad("integration", errors.New("give url or integration, not both"))
	case b.Integration != "":
		in, err := h.Sim.Integration(b.Integration)
		if err != nil {
			return req, &apiError{status: http.StatusNotFound, param: "integration", err: err}
		}
		req.Integrations = []Integration{in}
	case b.URL == "":
		req.Integrations = h.Sim.Integrations
	}
	return req, nil
}

type journeyBody struct {
	Funnel    string            `json:"funnel"`
	Affiliate string            `json:"affiliate"`
	TID       string            `json:"tid"`
	TIDRule   string            `json:"tid_rule"`
	VTID      string            `json:"vtid"`
	Params    map[string]string `json:"params"`
	Zip       string            `json:"zip"`
	Country   string            `json:"country"`
	Accept    []bool            `json:"accept"`
	Abandon   bool              `json:"abandon"`
	TestCard  bool              `json:"test_card"`
	Seed      *uint64           `json:"seed"`
	DryRun    bool              `json:"dry_run"`
}

func (h *Handler) journey(w http.ResponseWriter, r *http.Request) {
	var b journeyBody
	if err := decodeBody(r, &b); err != nil {
		writeErr(w, err)
		return
	}
	rule, err := ids.ParseTIDRule(b.TIDRule)
	if err != nil {
		writeErr(w, bad("tid_rule", err))
		return
	}
	if _, ok := h.Sim.Catalog.Funnels[b.Funnel]; !ok {
		writeErr(w, &apiError{status: http.StatusNotFound, param: "funnel", err: fmt.Errorf("unknown funnel %q (known: %v)", b.Funnel, h.Sim.Catalog.FunnelNames())})
		return
	}
	j := Journey{Funnel: b.Funnel, Affiliate: b.Affiliate, TID: b.TID, TIDRule: rule, VTID: b.VTID, Tracking: b.Params,
		Buyer: Buyer{PostalCode: b.Zip, Country: b.Country}, TestCard: b.TestCard, Accept: b.Accept, Abandon: b.Abandon}
	h.mu.Lock()
	defer h.mu.Unlock()
	walk, err := h.Sim.Catalog.Walk(j, NewRand(h.seed(b.Seed)), fixedTime)
	if err != nil {
		writeErr(w, bad("", err))
		return
	}
	var ds []Delivery
	if b.DryRun {
		ds = h.Sim.Plan(walk.Events)
	} else {
		for _, n := range walk.Notes {
			h.Sim.Journal.Note(n)
		}
		ds = h.Sim.Deliver(r.Context(), walk.Events)
	}
	writeJSON(w, http.StatusOK, runBody(ds, walk.Notes))
}

type runResult struct {
	Deliveries []DeliveryRecord `json:"deliveries"`
	Notes      []string         `json:"notes"`
}

func runBody(ds []Delivery, notes []string) runResult {
	out := runResult{Deliveries: make([]DeliveryRecord, len(ds)), Notes: notes}
	for i := range ds {
		out.Deliveries[i] = ds[i].Record()
	}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	return out
}

func journalBody(j *Journal) runResult { return runBody(j.Deliveries(), j.Notes()) }

type integrationRecord struct {
	Name     string               `json:"name"`
	Role     Role                 `json:"role"`
	Account  string               `json:"account,omitempty"`
	Active   bool                 `json:"active"`
	Events   []EventType          `json:"events"`
	URL      string               `json:"url,omitempty"`
	PerEvent bool                 `json:"per_event"`
	URLs     map[EventType]string `json:"urls,omitempty"`
}

func integrationsBody(ins []Integration) []integrationRecord {
	out := make([]integrationRecord, len(ins))
	for i, in := range ins {
		out[i] = integrationRecord(in)
	}
	return out
}

// decodeBody reads a JSON request body strictly (unknown fields are errors).
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return bad("", errors.New("the request body must be a JSON object"))
		}
		return bad("", fmt.Errorf("request body: %w", err))
	}
	return nil
}

func writeErr(w http.ResponseWriter, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		writeError(w, ae.status, ae.param, ae.err)
		return
	}
	writeError(w, http.StatusInternalServerError, "", err)
}

func writeError(w http.ResponseWriter, status int, param string, err error) {
	body := map[string]string{"error": err.Error()}
	if param != "" {
		body["param"] = param
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

// Server is the control API on a loopback port, in the manner of
// net/http/httptest.Server.
type Server struct {
	URL     string // http://127.0.0.1:PORT
	Handler *Handler
	srv     *http.Server
	done    chan error
}

// NewServer serves sim's control API on 127.0.0.1:0, seeds from 1.
func NewServer(sim *Simulator) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return Serve(ln, sim, 1), nil
}

// Serve serves sim's control API on ln until Close; requests without a
// seed take seed, seed+1, ...
func Serve(ln net.Listener, sim *Simulator, seed uint64) *Server {
	h := NewHandler(sim)
	h.Seed = seed
	s := &Server{URL: "http://" + ln.Addr().String(), Handler: h, done: make(chan error, 1),
		srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s
}

// Close shuts the server down, waiting up to 5s for requests in flight.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serr := <-s.done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
