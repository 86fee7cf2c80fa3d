package control

import (
	"net/url"
	"strconv"

	"github.com/cbsim/cbsim/simulator"
)

// MaxJournalPage is the most deliveries one GET /journal returns, and the
// default limit.
const MaxJournalPage = 1000

// journalResult is the reply of GET /journal: a page of deliveries, the
// notes kept, and where the page lies in the journal.
type journalResult struct {
	runResult
	Offset         int64 `json:"offset"`           // the number of the first delivery of the page
	Next           int64 `json:"next"`             // the offset of the next page
	Total          int64 `json:"total"`            // deliveries journaled since the last DELETE, rolled off ones included
	RolledOff      int64 `json:"rolled_off"`       // deliveries that rolled off the bounded journal
	NotesRolledOff int64 `json:"notes_rolled_off"` // notes that rolled off
	// INS is the latest MaxJournalPage INS deliveries kept, oldest first;
	// INSOmitted counts the older ones kept but left out.
	INS        []insRecord `json:"ins"`
	INSOmitted int         `json:"ins_omitted"`
}

// journalBody reads a page of j as ?offset=N&limit=M asks: offset counts
// from the first delivery journaled (default 0; one that rolled off starts
// at the oldest kept), limit is 1 to MaxJournalPage (default MaxJournalPage).
func journalBody(j *simulator.Journal, q url.Values) (journalResult, error) {
	offset, limit := int64(0), int64(MaxJournalPage)
	for name, vs := range q {
		var dst *int64
		var low, high int64
		switch name {
		case "offset":
			dst, low, high = &offset, 0, 1<<62
		case "limit":
			dst, low, high = &limit, 1, MaxJournalPage
		default:
			return journalResult{}, refuse(EInvalid, name, "unknown parameter %q (allowed: offset, limit)", name)
		}
		if len(vs) != 1 {
			return journalResult{}, refuse(EInvalid, name, "given %d times; give it once", len(vs))
		}
		n, err := strconv.ParseInt(vs[0], 10, 64)
		if err != nil || n < low || n > high {
			return journalResult{}, refuse(EInvalid, name, "%q is not an integer from %d to %d", clipText(vs[0], 32), low, high)
		}
		*dst = n
	}
	p := j.Page(offset, int(limit))
	_, notesRolled := j.RolledOff()
	insKept := j.INSDeliveries()
	omitted := max(len(insKept)-MaxJournalPage, 0)
	return journalResult{runResult: runBody(p.Deliveries, j.Notes()), Offset: p.Offset, Next: p.Next(), Total: p.Total,
		RolledOff: p.RolledOff, NotesRolledOff: notesRolled, INS: insRecords(insKept[omitted:]), INSOmitted: omitted}, nil
}
