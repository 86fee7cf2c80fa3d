package simulator

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"time"

	"github.com/cbsim/cbsim/fixtures"
)

// Simulator is a mock ClickBank: a catalog, the integrations set up in it,
// and a dispatcher that sends their postbacks and journals every attempt.
type Simulator struct {
	Catalog      *Catalog
	Integrations []Integration
	Dispatcher   *Dispatcher
	Journal      *Journal
}

// New returns a simulator over a catalog and integrations, with a
// one-attempt dispatcher writing to a fresh journal.
func New(c *Catalog, integrations []Integration) *Simulator {
	j := &Journal{}
	return &Simulator{Catalog: c, Integrations: integrations, Dispatcher: &Dispatcher{Journal: j}, Journal: j}
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

// Rebase points every integration at the tracker at base.
func (s *Simulator) Rebase(base string) error {
	for i, in := range s.Integrations {
		out, err := in.Rebase(base)
		if err != nil {
			return err
		}
		s.Integrations[i] = out
	}
	return nil
}

// Integration returns the integration named name.
func (s *Simulator) Integration(name string) (Integration, error) {
	for _, in := range s.Integrations {
		if in.Name == name {
			return in, nil
		}
	}
	names := make([]string, len(s.Integrations))
	for i, in := range s.Integrations {
		names[i] = in.Name
	}
	return Integration{}, fmt.Errorf("unknown integration %q (known: %v)", name, names)
}

// Plan builds, without sending, the deliveries of events to every
// integration, in event order.
func (s *Simulator) Plan(events []Event) []Delivery {
	var out []Delivery
	for i := range events {
		for _, in := range s.Integrations {
			out = append(out, Build(&events[i], in))
		}
	}
	return out
}

// Deliver sends the postbacks of events to every integration that fires for
// them, one after another in event order, and returns the deliveries
// (skipped ones included, with the reason). It stops early only when ctx
// is cancelled.
func (s *Simulator) Deliver(ctx context.Context, events []Event) []Delivery {
	var out []Delivery
	for _, d := range s.Plan(events) {
		if ctx.Err() != nil {
			d.Skipped = "not sent: " + ctx.Err().Error()
		}
		out = append(out, s.Dispatcher.Send(ctx, d))
	}
	return out
}

// Run walks a journey and delivers its events. Notes (a dropped TID) go to
// the journal as well as into the returned walk.
func (s *Simulator) Run(ctx context.Context, j Journey, r *rand.Rand, start time.Time) (Walk, []Delivery, error) {
	w, err := s.Catalog.Walk(j, r, start)
	if err != nil {
		return Walk{}, nil, err
	}
	for _, n := range w.Notes {
		s.Journal.Note(n)
	}
	return w, s.Deliver(ctx, w.Events), nil
}
