package simulator

import (
	"context"
	"io/fs"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/cbsim/cbsim/fixtures"
)

// Simulator is a mock ClickBank: a catalog, the integrations set up in it,
// a dispatcher that sends their postbacks, and the journal of every
// delivery and note. Its methods are the only writers of the journal, and
// are safe for concurrent use as long as the exported fields do not change
// (the integrations change safely through SetIntegrations).
type Simulator struct {
	Catalog *Catalog
	// Integrations are where the postbacks go. Set the field before first
	// use; once the simulator runs, change them with SetIntegrations and
	// read them with CurrentIntegrations.
	Integrations []Integration
	Dispatcher   *Dispatcher
	INS          *INSSender // sends INS notifications (SendINS); nil = ClickBank's rule in real time
	// INSEndpoints are the accounts' INS settings: with any, a journey's
	// purchases are also told by INS (DeliverAll), and Refund, Chargeback
	// and Rebill can be issued against their receipts. Empty = no INS
	// beside the postbacks.
	INSEndpoints []INSEndpoint
	Journal      *Journal
	// Clock is the simulator's time: when deliveries are journaled, when
	// a hop happened and whether its cookie is still inside the referral
	// window. nil = the real time. Set it before first use.
	Clock *Clock

	purchases purchaseBook // the purchases delivered, by receipt, for Refund, Chargeback and Rebill

	insMu     sync.RWMutex // guards Integrations once the simulator runs: SetIntegrations replaces the slice, never its items
	replaying sync.Mutex   // one ReplayFailed at a time, so each chain of failures is resent once
}

// New returns a simulator over a catalog and integrations, with a
// one-attempt dispatcher, an INS sender with ClickBank's rule and a fresh
// journal.
func New(c *Catalog, integrations []Integration) *Simulator {
	return &Simulator{Catalog: c, Integrations: integrations, Dispatcher: &Dispatcher{}, INS: &INSSender{}, Journal: &Journal{}}
}

// LoadDefaults loads the embedded default catalog and integrations.
func LoadDefaults() (*Catalog, []Integration, error) {
	return Load(fixtures.FS, fixtures.Catalog, fixtures.Integrations)
}

// Load loads a catalog file and an integrations file from fsys.
func Load(fsys fs.FS, catalog, integrations string) (*Catalog, []Integration, error) {
	c, err := LoadCatalog(fsys, catalog)
	if err != nil {
		return nil, nil, err
	}
	ins, err := LoadIntegrations(fsys, integrations)
	if err != nil {
		return nil, nil, err
	}
	return c, ins, nil
}

// NewRand returns the seeded source every random choice of a run comes from.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Rebase points every integration at the tracker at base (see
// Integration.Rebase).
func (s *Simulator) Rebase(base string) error {
	s.insMu.Lock()
	defer s.insMu.Unlock()
	out := make([]Integration, len(s.Integrations))
	for i, in := range s.Integrations {
		var err error
		if out[i], err = in.Rebase(base); err != nil {
			return err
		}
	}
	s.Integrations = out
	return nil
}

// Integration returns the integration named name; an unknown name is a
// *NotFoundError.
func (s *Simulator) Integration(name string) (Integration, error) {
	ins := s.integrations()
	names := make([]string, len(ins))
	for i, in := range ins {
		if in.Name == name {
			return in, nil
		}
		names[i] = in.Name
	}
	return Integration{}, &NotFoundError{Kind: "integration", Name: name, Known: names}
}

// Plan builds, without sending or journaling, the deliveries of events to
// every integration, in event order.
func (s *Simulator) Plan(events []Event) []Delivery {
	var out []Delivery
	ins := s.integrations()
	for i := range events {
		for _, in := range ins {
			out = append(out, Build(&events[i], in))
		}
	}
	return out
}

// Deliver sends the postbacks of events to every integration that fires for
// them, one after another in event order, journals them and returns them
// (skipped ones included, with the reason). Once ctx is cancelled the rest
// are journaled as not sent. With INSEndpoints it also sends and journals
// the purchases' INS notifications: it is DeliverAll without them in the
// result.
func (s *Simulator) Deliver(ctx context.Context, events []Event) []Delivery {
	return s.DeliverAll(ctx, events).Deliveries
}

// JournalNotes journals notes of what ClickBank did on the way (a TID a
// hoplink's rule dropped), as a walk's notes are journaled.
func (s *Simulator) JournalNotes(ns ...Note) { s.Journal.note(ns...) }

// Send sends one built delivery (a skipped one is only journaled), journals
// it, with its notes when it was sent, and returns it with its attempts.
func (s *Simulator) Send(ctx context.Context, d Delivery) Delivery {
	if d.Skipped == "" {
		d = s.Dispatcher.Send(ctx, d)
		s.Journal.note(d.Notes...)
	}
	return s.journal(d)
}

// journal stamps d with the clock's time and journals it.
func (s *Simulator) journal(d Delivery) Delivery {
	d.At = s.Clock.Now()
	return s.Journal.record(d)
}

// Run walks a journey and, unless dry, journals its notes and delivers its
// events; a dry run only builds the deliveries and journals nothing. It is
// RunAll without the INS deliveries in the result (they are journaled).
func (s *Simulator) Run(ctx context.Context, j Journey, r *rand.Rand, start time.Time, dry bool) (Walk, []Delivery, error) {
	w, out, err := s.RunAll(ctx, j, r, start, dry)
	return w, out.Deliveries, err
}
