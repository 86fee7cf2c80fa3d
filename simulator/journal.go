package simulator

import "sync"

// Journal keeps every delivery and every note of a run, in order. Only the
// Simulator writes it; anyone may read it. It is safe for concurrent use;
// the zero value is ready.
type Journal struct {
	mu         sync.Mutex // guards deliveries and notes
	deliveries []Delivery
	notes      []Note
}

// record appends a delivery.
func (j *Journal) record(d Delivery) {
	j.mu.Lock()
	j.deliveries = append(j.deliveries, d)
	j.mu.Unlock()
}

// note appends notes: what ClickBank did that is not a delivery.
func (j *Journal) note(ns ...Note) {
	j.mu.Lock()
	j.notes = append(j.notes, ns...)
	j.mu.Unlock()
}

// Deliveries returns a copy of the deliveries recorded so far.
func (j *Journal) Deliveries() []Delivery {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Delivery(nil), j.deliveries...)
}

// Notes returns a copy of the notes recorded so far.
func (j *Journal) Notes() []Note {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Note(nil), j.notes...)
}

// Reset forgets everything.
func (j *Journal) Reset() {
	j.mu.Lock()
	j.deliveries, j.notes = nil, nil
	j.mu.Unlock()
}
