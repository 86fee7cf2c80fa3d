package steps

import (
	"context"
	"slices"

	"github.com/cbsim/cbsim/simulator"
)

// worldKey is the context key of the scenario's World.
type worldKey struct{}

// WorldFrom returns the World of the scenario a step runs in, for steps of
// one's own registered beside the library's (steps.Register): a godog step
// function whose first argument is a context.Context gets the scenario's
// context. It returns nil outside a scenario set up by Register.
//
//	sc.Step(`^my tracker saw the click$`, func(ctx context.Context) error {
//		id, err := steps.WorldFrom(ctx).ClickID()
//		...
//	})
func WorldFrom(ctx context.Context) *World {
	w, _ := ctx.Value(worldKey{}).(*World)
	return w
}

// ClickID returns the tracker's click id of the scenario's visitor, or an
// error saying which step is missing.
func (w *World) ClickID() (string, error) { return w.clickID() }

// Events returns the events ClickBank produced so far, in order.
func (w *World) Events() []simulator.Event { return slices.Clone(w.events) }

// Deliveries returns every postback of the scenario so far, skipped ones
// included, with their attempts.
func (w *World) Deliveries() []simulator.Delivery { return slices.Clone(w.deliveries) }

// Journal returns the scenario's journal: deliveries and notes.
func (w *World) Journal() *simulator.Journal { return w.journal }

// Catalog returns the scenario's catalog, with the prices its steps set.
func (w *World) Catalog() *simulator.Catalog { return w.catalog }

// Tracker returns the scenario's tracker under test, opening it on first use.
func (w *World) Tracker(ctx context.Context) (Tracker, error) { return w.trk(ctx) }
