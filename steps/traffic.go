package steps

// Step methods that send traffic: clicks, purchases, test fires, restarts.

import (
	"context"
	"fmt"
	"strings"

	"github.com/cbsim/cbsim/simulator"
)

func (w *World) visitorClicks(ctx context.Context, role string) error {
	t, err := w.trk(ctx)
	if err != nil {
		return err
	}
	c, err := t.Click(ctx, simulator.Role(role))
	if err != nil {
		return fmt.Errorf("click the %s campaign: %w", role, err)
	}
	w.click, w.clicked, w.clickRole = c, true, simulator.Role(role)
	param, _ := carriers(t, simulator.Role(role))
	value := c.ID
	if c.Landing != nil {
		// What the tracker put on the offer URL is what ClickBank receives.
		value = c.Landing.Query().Get(param)
		if value == "" {
			return fmt.Errorf("the tracker redirected the visitor to %s, which carries no %s=: the offer URL must end with %s={clickid}", c.Landing, param, param)
		}
	}
	return w.carry(t, simulator.Role(role), value)
}

func (w *World) hoplinkTID(tid string) error {
	if err := w.tidIsCarrier(); err != nil {
		return err
	}
	w.tid, w.tidSet = tid, true
	return nil
}

func (w *World) hoplinkUpper() error {
	if err := w.tidIsCarrier(); err != nil {
		return err
	}
	if w.tid == "" {
		return fmt.Errorf("the hoplink has no TID yet: a visitor must click the affiliate campaign first")
	}
	w.tid, w.tidSet = strings.ToUpper(w.tid), true
	return nil
}

func (w *World) hoplinkParam(name, value string) error {
	if err := simulator.ValidateTracking(map[string]string{name: value}); err != nil {
		return err
	}
	w.tracking[name] = value
	return nil
}

func (w *World) buyerPostal(zip, country string) error {
	w.buyer.PostalCode, w.buyer.Country = zip, country
	if country == "" {
		w.buyer.Country = "US"
	}
	return nil
}

func (w *World) testCardStep() error {
	w.testCard = true
	return nil
}

func (w *World) opensAndLeaves(ctx context.Context) error {
	j := w.journey()
	j.Abandon = true
	return w.walk(ctx, j)
}

func (w *World) buys(ctx context.Context, upsells string) error {
	j := w.journey()
	f := w.catalog.Funnels[w.funnel]
	j.Accept = make([]bool, len(f.Upsells))
	for i := range j.Accept {
		switch upsells {
		case "accepts every upsell":
			j.Accept[i] = true
		case "accepts only the first upsell":
			j.Accept[i] = i == 0
		case "accepts only the second upsell":
			j.Accept[i] = i == 1
		}
	}
	if strings.Contains(upsells, "second") && len(f.Upsells) < 2 {
		return fmt.Errorf("funnel %q has %d upsells", w.funnel, len(f.Upsells))
	}
	return w.walk(ctx, j)
}

func (w *World) testFire(ctx context.Context, event, role string) error {
	in := w.integrations[simulator.Role(role)]
	if in == nil {
		return fmt.Errorf("there is no %s integration to test", role)
	}
	res, err := w.resolved(ctx, *in)
	if err != nil {
		return err
	}
	d, err := simulator.BuildTest(eventNames[event], res)
	if err != nil {
		return err
	}
	w.deliveries = append(w.deliveries, w.simOf(nil).Send(ctx, d))
	return nil
}

func (w *World) trackerRestarts(ctx context.Context) error {
	t, err := w.trk(ctx)
	if err != nil {
		return err
	}
	r, ok := t.(Restarter)
	if !ok {
		return fmt.Errorf("restarting the tracker is %w; tag the scenario @restart", ErrNotSupported)
	}
	return r.Restart(ctx)
}
