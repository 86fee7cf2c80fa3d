package control

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// DefaultHeartbeat is how often GET /journal/stream sends a comment when
// nothing happens, so proxies and clients keep a quiet stream open.
const DefaultHeartbeat = 15 * time.Second

// streamNote is the data of a stream's "note" event.
type streamNote struct {
	Kind simulator.NoteKind `json:"kind"`
	Text string             `json:"text"`
}

// streamReset is the data of a stream's "reset" event: the journal was
// cleared, and the stream goes on from delivery number Next.
type streamReset struct {
	Next int64 `json:"next"`
}

// stream serves GET /journal/stream: the journal as server-sent events
// (text/event-stream). Each delivery is "id: INSTANCE.EPOCH.N" (streamID),
// "event: delivery" and
// its record as data; each note journaled while the stream is open is
// "event: note"; a Reset of the journal is "event: reset", after which the
// numbers start again. A comment line is sent every heartbeat while
// nothing happens. It starts at ?from=N (default 0; a number that rolled
// off starts at the oldest kept), or after the Last-Event-ID a
// reconnecting client sends, and ends when the client goes or the server
// closes (CloseStreams).
func (h *Handler) stream(w http.ResponseWriter, r *http.Request) {
	from, epoch, err := h.streamFrom(r)
	if err != nil {
		writeError(w, err)
		return
	}
	j := h.sim.Journal
	cur := j.Cursor()     // notes: only those journaled from now on
	cur.Deliveries = from // past the end: the client read before a Reset, and gets "reset"
	cur.Resets = epoch    // another epoch (or server): the client read before a Reset, and gets "reset"
	rc := http.NewResponseController(w)
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if rc.Flush() != nil {
		return
	}
	beat := time.NewTicker(h.heartbeat)
	defer beat.Stop()
	var buf bytes.Buffer
	for {
		changed := j.Changed()
		ch := j.Changes(cur, MaxJournalPage)
		cur = ch.Next
		buf.Reset()
		if ch.Reset {
			event(&buf, h.streamID(ch.Next.Resets, ch.Offset-1), "reset", streamReset{Next: ch.Offset})
		}
		for _, n := range ch.Notes {
			event(&buf, "", "note", streamNote{Kind: n.Kind, Text: n.Text})
		}
		for i := range ch.Deliveries {
			event(&buf, h.streamID(ch.Next.Resets, ch.Offset+int64(i)), "delivery", ch.Deliveries[i].Record())
		}
		if buf.Len() > 0 {
			if _, err := w.Write(buf.Bytes()); err != nil || rc.Flush() != nil {
				return
			}
		}
		if len(ch.Deliveries) == MaxJournalPage {
			continue // more to read at once
		}
		select {
		case <-changed:
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case <-r.Context().Done():
			return
		case <-h.closing:
			return
		}
	}
}

// event appends one server-sent event: its id (when not ""), its type and
// v as one line of JSON data.
func event(buf *bytes.Buffer, id, typ string, v any) {
	if id != "" {
		fmt.Fprintf(buf, "id: %s\n", id)
	}
	fmt.Fprintf(buf, "event: %s\ndata: ", typ)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // ends the line; JSON escapes any newline inside
	buf.WriteString("\n")
}

// streamFrom returns the number a stream starts at — after Last-Event-ID
// when the client sends one, else ?from=N, else 0 — and the journal epoch
// (its count of Resets) the client read in: -1 when it read from another
// server (another instance: cbsim restarted, its journal started again),
// and the journal's own when it does not say. An event's id is
// "INSTANCE.EPOCH.N" (streamID), so a client that reconnects after a
// Reset, or to a restarted server, is told to start again even when the
// journal has grown past its number.
func (h *Handler) streamFrom(r *http.Request) (from, epoch int64, err error) {
	epoch = h.sim.Journal.Cursor().Resets
	for name, vs := range r.URL.Query() {
		if name != "from" {
			return 0, 0, refuse(EInvalid, name, "unknown parameter %q (allowed: from)", name)
		}
		if len(vs) != 1 {
			return 0, 0, refuse(EInvalid, name, "given %d times; give it once", len(vs))
		}
		n, err := strconv.ParseInt(vs[0], 10, 64)
		if err != nil || n < 0 {
			return 0, 0, refuse(EInvalid, name, "%q is not a delivery number (an integer from 0)", clipText(vs[0], 32))
		}
		from = n
	}
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		return from, epoch, nil
	}
	parts := strings.Split(last, ".")
	var ep, num int64
	var errE, errN error
	if len(parts) == 3 {
		ep, errE = strconv.ParseInt(parts[1], 10, 64)
		num, errN = strconv.ParseInt(parts[2], 10, 64)
	}
	if len(parts) != 3 || parts[0] == "" || errE != nil || errN != nil || ep < 0 || num < -1 || num == 1<<63-1 {
		return 0, 0, refuse(EInvalid, "Last-Event-ID", "%q is not an event id of this stream (INSTANCE.EPOCH.N: the server, the journal's count of resets, a delivery number from -1)", clipText(last, 48))
	}
	if parts[0] != h.instance {
		return 0, -1, nil // another server's: start again, after a reset
	}
	return num + 1, ep, nil
}

// streamID is the id of the event of delivery n in the journal's epoch
// (its count of Resets) on this server: "INSTANCE.EPOCH.N".
func (h *Handler) streamID(epoch, n int64) string {
	return h.instance + "." + strconv.FormatInt(epoch, 10) + "." + strconv.FormatInt(n, 10)
}

// newInstance returns a random name for a handler: 8 hex digits.
func newInstance() string {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
