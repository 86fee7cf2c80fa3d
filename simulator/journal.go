package simulator

import "sync"

// DefaultJournalCapacity is how many deliveries, how many notes and how
// many INS deliveries a Journal keeps when its Capacity is zero.
const DefaultJournalCapacity = 10000

// Journal keeps the latest deliveries and notes of a run, in order: a
// bounded ring of each, so a long-running simulator does not grow without
// end. What rolls off is counted. Only the Simulator writes it; anyone may
// read it. It is safe for concurrent use; the zero value is ready.
//
// Deliveries are numbered from 0 in the order they were recorded (since
// the last Reset); the number of a delivery does not change when older
// ones roll off, so Page can be called with the offset a previous page
// ended at.
type Journal struct {
	// Capacity is how many deliveries (and how many notes) are kept;
	// zero = DefaultJournalCapacity. Set it before the first delivery.
	Capacity int

	mu         sync.Mutex // guards deliveries, notes, ins, resets and changed
	deliveries ring[Delivery]
	notes      ring[Note]
	ins        ring[INSDelivery] // INS notifications, apart from the postbacks
	resets     int64             // Resets so far, so a reader notices one (Changes)
	changed    chan struct{}     // closed at the next record, note or Reset (Changed); nil = none asked for
}

// JournalPage is a page of a journal's deliveries.
type JournalPage struct {
	Deliveries []Delivery
	Offset     int64 // the number of Deliveries[0] (the offset asked for, or the oldest kept)
	Total      int64 // deliveries recorded since the last Reset, rolled off ones included
	RolledOff  int64 // deliveries that rolled off: numbers below it are gone
}

// Next returns the offset of the page after p.
func (p JournalPage) Next() int64 { return p.Offset + int64(len(p.Deliveries)) }

func (j *Journal) capacity() int {
	if j.Capacity > 0 {
		return j.Capacity
	}
	return DefaultJournalCapacity
}

// record appends a delivery, numbering it, and returns it numbered; the
// oldest rolls off when the journal is full.
func (j *Journal) record(d Delivery) Delivery {
	j.mu.Lock()
	d.seq = j.deliveries.rolled + int64(j.deliveries.n) + 1
	j.deliveries.push(d, j.capacity())
	j.wake()
	j.mu.Unlock()
	return d
}

// Get returns the delivery numbered n, and false when there is none: not
// yet journaled, rolled off, or forgotten by a Reset.
func (j *Journal) Get(n int64) (Delivery, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := &j.deliveries
	if n < r.rolled || n >= r.rolled+int64(r.n) {
		return Delivery{}, false
	}
	return r.buf[(r.head+int(n-r.rolled))%len(r.buf)], true
}

// recordINS appends an INS delivery; the oldest rolls off when full.
func (j *Journal) recordINS(d INSDelivery) {
	j.mu.Lock()
	j.ins.push(d, j.capacity())
	j.mu.Unlock()
}

// INSDeliveries returns a copy of the INS deliveries kept, oldest first.
// They are kept apart from the postbacks' Deliveries, in a ring of the
// same Capacity.
func (j *Journal) INSDeliveries() []INSDelivery {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.ins.slice(0, j.ins.n)
}

// note appends notes: what ClickBank did on the way (to a TID, to the
// values of a postback).
func (j *Journal) note(ns ...Note) {
	j.mu.Lock()
	for _, n := range ns {
		j.notes.push(n, j.capacity())
	}
	if len(ns) > 0 {
		j.wake()
	}
	j.mu.Unlock()
}

// Deliveries returns a copy of the deliveries kept, oldest first.
func (j *Journal) Deliveries() []Delivery {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.deliveries.slice(0, j.deliveries.n)
}

// Page returns at most limit deliveries from number offset on; an offset
// that rolled off starts at the oldest kept. A limit below 1 returns none.
func (j *Journal) Page(offset int64, limit int) JournalPage {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := &j.deliveries
	p := JournalPage{Offset: max(offset, r.rolled), Total: r.rolled + int64(r.n), RolledOff: r.rolled}
	if p.Offset >= p.Total || limit < 1 {
		p.Offset = min(p.Offset, p.Total)
		return p
	}
	from := int(p.Offset - r.rolled)
	p.Deliveries = r.slice(from, from+min(limit, r.n-from))
	return p
}

// RolledOff returns how many deliveries and how many notes rolled off
// since the last Reset.
func (j *Journal) RolledOff() (deliveries, notes int64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.deliveries.rolled, j.notes.rolled
}

// Notes returns a copy of the notes kept, oldest first.
func (j *Journal) Notes() []Note {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.notes.slice(0, j.notes.n)
}

// Reset forgets everything, the counts of what rolled off included.
func (j *Journal) Reset() {
	j.mu.Lock()
	j.deliveries, j.notes, j.ins = ring[Delivery]{}, ring[Note]{}, ring[INSDelivery]{}
	j.resets++
	j.wake()
	j.mu.Unlock()
}

// ring is a bounded FIFO: once full, a push drops the oldest item.
type ring[T any] struct {
	buf    []T   // grows up to the capacity, then wraps
	head   int   // index in buf of the oldest item
	n      int   // items held
	rolled int64 // items dropped
}

// push appends v, dropping the oldest item when the ring holds capacity
// items (or more, when the capacity shrank).
func (r *ring[T]) push(v T, capacity int) {
	if len(r.buf) < capacity {
		r.buf = append(r.buf, v) // not yet full, so head is 0
		r.n++
		return
	}
	r.buf[r.head] = v
	r.head = (r.head + 1) % len(r.buf)
	r.rolled++
}

// slice returns a copy of items from..to-1, counted from the oldest.
func (r *ring[T]) slice(from, to int) []T {
	if to <= from {
		return nil
	}
	out := make([]T, 0, to-from)
	for i := from; i < to; i++ {
		out = append(out, r.buf[(r.head+i)%len(r.buf)])
	}
	return out
}
