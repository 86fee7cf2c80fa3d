package simulator

import (
	"sync"
	"time"

	"github.com/cbsim/cbsim/simulator/macro"
)

// Attempt is one HTTP request of a delivery.
type Attempt struct {
	N       int           // 1 for the first attempt
	Status  int           // HTTP status, 0 when no response came
	Latency time.Duration // from sending to the end of the response body
	Error   string        // transport error or why the status counts as a failure
	Body    string        // the first bytes of the tracker's reply
}

// Delivery is one postback of one event to one integration: what was built,
// and every attempt to send it.
type Delivery struct {
	Event       EventType
	EventID     string
	Receipt     string
	OrderID     string
	Integration string
	Role        Role
	Template    string       // the integration's URL template
	URL         string       // the template expanded with Values
	Values      macro.Values // every macro's value for this event and integration
	TestFire    bool         // built from placeholder values, like ClickBank's Test button
	Skipped     string       // why nothing was sent, when nothing was
	Attempts    []Attempt
	Delivered   bool // a 2xx reply came
}

// Status returns the status of the last attempt, 0 if none.
func (d *Delivery) Status() int {
	if len(d.Attempts) == 0 {
		return 0
	}
	return d.Attempts[len(d.Attempts)-1].Status
}

// Error returns the error of the last attempt, "" if none.
func (d *Delivery) Error() string {
	if len(d.Attempts) == 0 {
		return ""
	}
	return d.Attempts[len(d.Attempts)-1].Error
}

// Latency returns the total time spent in the delivery's attempts.
func (d *Delivery) Latency() time.Duration {
	var sum time.Duration
	for _, a := range d.Attempts {
		sum += a.Latency
	}
	return sum
}

// Journal keeps every delivery and every note of a run, in order. It is safe
// for concurrent use; the zero value is ready.
type Journal struct {
	mu         sync.Mutex // guards deliveries and notes
	deliveries []Delivery
	notes      []string
}

// Record appends a delivery.
func (j *Journal) Record(d Delivery) {
	j.mu.Lock()
	j.deliveries = append(j.deliveries, d)
	j.mu.Unlock()
}

// Note appends a note: something ClickBank did that is not a delivery
// (a dropped TID, a skipped integration).
func (j *Journal) Note(text string) {
	j.mu.Lock()
	j.notes = append(j.notes, text)
	j.mu.Unlock()
}

// Deliveries returns a copy of the deliveries recorded so far.
func (j *Journal) Deliveries() []Delivery {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Delivery(nil), j.deliveries...)
}

// Notes returns a copy of the notes recorded so far.
func (j *Journal) Notes() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]string(nil), j.notes...)
}

// Reset forgets everything.
func (j *Journal) Reset() {
	j.mu.Lock()
	j.deliveries, j.notes = nil, nil
	j.mu.Unlock()
}
