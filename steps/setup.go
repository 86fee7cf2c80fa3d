package steps

// Step methods that set up ClickBank and the tracker under test.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/macro"
)

func (w *World) anIntegrationWith(role, click, sum string) error {
	in := w.integration(simulator.Role(role))
	for _, t := range macro.EventTypes() {
		in.URLs[t] = fmt.Sprintf("?clickid={%s}&sum={%s}&eventid={event_id}&zip={postal_code}&order_id={order_id}&type=%s", click, sum, w.opts.typeName(t))
		if !slices.Contains(in.Events, t) {
			in.Events = append(in.Events, t)
		}
	}
	return nil
}

func (w *World) integrationSendsFor(role, tmpl, event string) error {
	in := w.integration(simulator.Role(role))
	if err := checkTemplate(tmpl); err != nil {
		return err
	}
	t := eventNames[event]
	in.PerEvent = true
	in.URLs[t] = tmpl
	if !slices.Contains(in.Events, t) {
		in.Events = append(in.Events, t)
	}
	return nil
}

func (w *World) integrationOneURL(role, tmpl string) error {
	in := w.integration(simulator.Role(role))
	if err := checkTemplate(tmpl); err != nil {
		return err
	}
	in.PerEvent, in.URLs, in.URL = false, nil, tmpl
	in.Events = macro.EventTypes()
	return nil
}

func (w *World) integrationInactive(role string) error {
	in := w.integrations[simulator.Role(role)]
	if in == nil {
		return fmt.Errorf("there is no %s integration to turn off", role)
	}
	in.Active = false
	return nil
}

func (w *World) retries(n int, waitMS string) error {
	wait := 10 * time.Millisecond
	if waitMS != "" {
		ms, _ := strconv.Atoi(waitMS)
		wait = time.Duration(ms) * time.Millisecond
	}
	w.dispatcher.Retry = make([]time.Duration, n)
	for i := range w.dispatcher.Retry {
		w.dispatcher.Retry[i] = wait
	}
	return nil
}

func (w *World) timeout(ms int) error {
	w.dispatcher.Timeout = time.Duration(ms) * time.Millisecond
	return nil
}

func (w *World) tidRuleStep(rule string) error {
	r, err := ids.ParseTIDRule(rule)
	w.tidRule = r
	return err
}

func (w *World) sellsFunnel(name string) error {
	if _, ok := w.catalog.Funnels[name]; !ok {
		return fmt.Errorf("unknown funnel %q (known: %s)", name, strings.Join(w.catalog.FunnelNames(), ", "))
	}
	w.funnel = name
	return nil
}

func (w *World) productCosts(price, currency, commission string) error {
	return w.setProduct(price, currency, commission)
}

func (w *World) conversionTypes(list string) error {
	names, err := quotedList(list)
	if err != nil {
		return err
	}
	return w.configure(func(c *TrackerConfig) {
		// keep per-type modes set earlier
		modes := map[string]string{}
		for _, ct := range c.ConversionTypes {
			if n, m, ok := strings.Cut(ct, ":"); ok {
				modes[n] = m
			}
		}
		c.ConversionTypes = nil
		for _, n := range names {
			if m := modes[n]; m != "" {
				n += ":" + m
			}
			c.ConversionTypes = append(c.ConversionTypes, n)
		}
	})
}

var modeNames = map[string]string{
	"creates a new conversion for every duplicate": "new",
	"marks duplicates as repeated":                 "new_marked",
	"ignores duplicates":                           "ignore",
	"edits the existing conversion on a duplicate": "edit",
	"adds the payout of a duplicate":               "add_payout",
	"ignores duplicates by event id":               "ignore_event_id",
}

func (w *World) duplicateMode(phrase, typ string) error {
	mode := modeNames[phrase]
	return w.configure(func(c *TrackerConfig) {
		if typ == "" {
			c.DuplicateMode = mode
			return
		}
		if c.ConversionTypes == nil {
			for _, t := range macro.EventTypes() {
				c.ConversionTypes = append(c.ConversionTypes, w.opts.typeName(t))
			}
		}
		found := false
		for i, ct := range c.ConversionTypes {
			n, _, _ := strings.Cut(ct, ":")
			if n == typ {
				c.ConversionTypes[i] = n + ":" + mode
				found = true
			}
		}
		if !found {
			c.ConversionTypes = append(c.ConversionTypes, typ+":"+mode)
		}
	})
}

func (w *World) requiresToken(token string) error {
	return w.configure(func(c *TrackerConfig) { c.PostbackToken = token })
}

func (w *World) eventIDParam(name string) error {
	return w.configure(func(c *TrackerConfig) { c.EventIDParam = name })
}
