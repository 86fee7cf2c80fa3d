package simulator

// Changed returns a channel that is closed at the journal's next change: a
// delivery recorded, a note, or a Reset. Every caller waiting on it wakes
// (a broadcast); to wait for the change after that, call Changed again.
// Take the channel before reading the journal (Changes), so a change made
// in between is not missed.
func (j *Journal) Changed() <-chan struct{} {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.changed == nil {
		j.changed = make(chan struct{})
	}
	return j.changed
}

// wake closes the channel of Changed, if anyone asked for it; j.mu is held.
func (j *Journal) wake() {
	if j.changed != nil {
		close(j.changed)
		j.changed = nil
	}
}

// JournalCursor marks how far a reader of the journal got: the number of
// the next delivery and of the next note it wants, under the count of
// Resets it read them in. Journal.Cursor gives the journal's end; set
// Deliveries to read from an earlier delivery.
type JournalCursor struct {
	Deliveries int64 // the number of the next delivery to read
	Notes      int64 // the number of the next note to read (counted like deliveries, since the last Reset)
	Resets     int64 // how many Resets the journal had had when the reader read
}

// JournalChanges is what the journal holds after a cursor (Changes).
type JournalChanges struct {
	// Reset says the journal was Reset after the cursor was taken (or it
	// holds fewer deliveries than the cursor's number, as after a Reset):
	// the numbers start again, and Deliveries and Notes start from the
	// oldest kept.
	Reset      bool
	Deliveries []Delivery // numbered Offset, Offset+1, ... (Delivery.Number)
	Offset     int64      // the number of Deliveries[0]: the cursor's, or the oldest kept when that rolled off
	Notes      []Note     // the notes after the cursor's, oldest first
	Next       JournalCursor
}

// Cursor returns a cursor at the journal's end: Changes from it returns
// only what is journaled later.
func (j *Journal) Cursor() JournalCursor {
	j.mu.Lock()
	defer j.mu.Unlock()
	return JournalCursor{Deliveries: j.deliveries.rolled + int64(j.deliveries.n),
		Notes: j.notes.rolled + int64(j.notes.n), Resets: j.resets}
}

// Changes returns, in one consistent read, the notes and at most limit
// deliveries journaled after c, and the cursor to read the next changes
// from. A number that rolled off starts at the oldest kept. A Reset since
// c (or a cursor past the journal's end, as a reader that reconnects
// after a Reset holds) sets Reset and reads from the oldest kept.
func (j *Journal) Changes(c JournalCursor, limit int) JournalChanges {
	j.mu.Lock()
	defer j.mu.Unlock()
	d, n := &j.deliveries, &j.notes
	dTotal, nTotal := d.rolled+int64(d.n), n.rolled+int64(n.n)
	var out JournalChanges
	if c.Resets != j.resets || c.Deliveries > dTotal || c.Notes > nTotal {
		out.Reset = true
		c = JournalCursor{Resets: j.resets}
	}
	out.Offset = max(c.Deliveries, d.rolled)
	if from := int(out.Offset - d.rolled); limit > 0 {
		out.Deliveries = d.slice(from, from+min(limit, d.n-from))
	}
	from := int(max(c.Notes, n.rolled) - n.rolled)
	out.Notes = n.slice(from, n.n)
	out.Next = JournalCursor{Deliveries: out.Offset + int64(len(out.Deliveries)), Notes: nTotal, Resets: j.resets}
	return out
}
