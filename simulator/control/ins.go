package control

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ins"
)

// insRequest is the JSON of POST /ins/refund, /ins/chargeback, /ins/rebill,
// /ins/insf, /ins/cancel-rebill and /ins/uncancel-rebill: the receipt of
// an earlier purchase (or of a rebill, -B00N, for a refund or chargeback
// of it) and, for a rebill or INSF, which charge.
type insRequest struct {
	Receipt string `json:"receipt"`
	Payment int    `json:"payment"` // /ins/rebill and /ins/insf only: 2 for -B002; 0 or absent = the next
}

// insResult is the reply of POST /ins/…: every INS delivery made.
type insResult struct {
	INS []insRecord `json:"ins"`
}

// insRecord is the JSON form of an INS delivery: one notification to one
// INS URL, its outcome as a postback's (status, delivered, attempts,
// error, latency_ms: the sum of the attempts'), every attempt with the
// receiver's reply, and the notification as built (attemptCount 1), in
// ClickBank's JSON.
type insRecord struct {
	Type         ins.TransactionType `json:"type"`
	Role         ins.Role            `json:"role"`
	Receipt      string              `json:"receipt"`
	Version      string              `json:"version"`
	URL          string              `json:"url"`
	Status       int                 `json:"status"`
	Delivered    bool                `json:"delivered"`
	Attempts     int                 `json:"attempts"`
	Error        string              `json:"error"`
	LatencyMS    float64             `json:"latency_ms"`
	Tries        []insAttemptRecord  `json:"tries,omitempty"`
	WaitsMS      []float64           `json:"waits_ms,omitempty"` // the scaled waits before attempt 2, 3, …
	Notification json.RawMessage     `json:"notification,omitempty"`
}

// insAttemptRecord is the JSON form of one attempt of an INS delivery.
type insAttemptRecord struct {
	N         int     `json:"n"` // the payload's attemptCount
	URL       string  `json:"url"`
	Status    int     `json:"status"`
	LatencyMS float64 `json:"latency_ms"`
	Reply     string  `json:"reply"` // the first bytes of the receiver's reply
	Error     string  `json:"error,omitempty"`
	Location  string  `json:"location,omitempty"` // a 3xx reply's Location (not followed)
}

// insRecords returns the JSON form of ds; never nil.
func insRecords(ds []simulator.INSDelivery) []insRecord {
	out := make([]insRecord, len(ds))
	for i := range ds {
		d := &ds[i]
		r := insRecord{Type: d.Type, Role: d.Role, Receipt: d.Receipt, Version: d.Version, URL: d.URL, Status: d.Status(),
			Delivered: d.Delivered, Attempts: len(d.Attempts), Error: d.LastError()}
		var sum time.Duration
		for _, a := range d.Attempts {
			sum += a.Latency
			r.Tries = append(r.Tries, insAttemptRecord{N: a.N, URL: a.URL, Status: a.Status, LatencyMS: msOf(a.Latency),
				Reply: a.Body, Error: a.Error, Location: a.Location})
		}
		r.LatencyMS = msOf(sum)
		for _, w := range d.Waits {
			r.WaitsMS = append(r.WaitsMS, msOf(w))
		}
		if d.Notification != nil {
			if b, err := d.Notification.Marshal(); err == nil {
				r.Notification = b
			}
		}
		out[i] = r
	}
	return out
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// afterINS adapts Refund, Chargeback, Rebill, InsufficientFunds,
// CancelRebill or UncancelRebill to HTTP (charge: the request may name a
// payment): the body is decoded strictly; a simulator without INS endpoints is a conflict (409)
// that says how to set them; an unknown receipt is a 404 naming it.
func (h *Handler) afterINS(charge bool, f func(ctx context.Context, receipt string, payment int) ([]simulator.INSDelivery, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var b insRequest
		err := jsonBody(r)
		if err == nil {
			err = decodeBody(r, &b)
		}
		if err == nil && !charge && b.Payment != 0 {
			err = refuse(EInvalid, "payment", "only /ins/rebill and /ins/insf take a payment: a refund or chargeback names its charge by receipt (RECEIPT-B002 for the first rebill), a cancel or uncancel the subscription by its first receipt")
		}
		if err == nil && len(h.sim.INSEndpoints) == 0 {
			err = refuse(EConflict, "", "no INS endpoint is set: start cbsim serve with --ins-url ROLE=URL and --ins-secret KEY (from Go: Simulator.INSEndpoints)")
		}
		var ds []simulator.INSDelivery
		if err == nil {
			ds, err = f(r.Context(), b.Receipt, b.Payment)
		}
		if nf, ok := errors.AsType[*simulator.NotFoundError](err); ok {
			err = &Error{Code: ENotFound, Param: nf.Kind, Err: err}
		}
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, insResult{INS: insRecords(ds)})
	}
}

// insSecrets returns the secrets of sim's INS endpoints: their secret
// keys, masked in every answer as WithSecrets masks its own.
func insSecrets(sim *simulator.Simulator) []string {
	var out []string
	for _, e := range sim.INSEndpoints {
		out = append(out, e.Target.Secret)
	}
	return out
}
