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
	"github.com/cbsim/cbsim/simulator/money"
)

func (w *World) anIntegrationWith(role, click, sum string) error {
	in := w.integration(simulator.Role(role))
	own, err := w.ownIntegration(simulator.Role(role))
	if err != nil {
		return err
	}
	if own != nil {
		return w.fromOwn(in, own, click, sum)
	}
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
	in.URLs[t] = w.withTypeNames(tmpl)
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
	in.PerEvent, in.URLs, in.URL = false, nil, w.withTypeNames(tmpl)
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
		ms, err := strconv.Atoi(waitMS)
		if err != nil || ms > int(simulator.MaxRetryWait/time.Millisecond) {
			return fmt.Errorf("a wait of %sms is more than ClickBank's simulator allows (%s)", waitMS, simulator.MaxRetryWait)
		}
		wait = time.Duration(ms) * time.Millisecond
	}
	if n > simulator.MaxRetries {
		return fmt.Errorf("%d retries are more than the simulator allows (%d)", n, simulator.MaxRetries)
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

func (w *World) roundsStep(what string) error {
	r := money.RoundNet
	if what == "its fee" {
		r = money.RoundFee
	}
	w.editCatalog(func(c *simulator.Catalog) { c.Rounding = r })
	return nil
}

func (w *World) sellsFunnel(name string) error {
	if _, ok := w.catalog.Funnels[name]; !ok {
		return fmt.Errorf("unknown funnel %q (known: %s)", name, strings.Join(w.catalog.FunnelNames(), ", "))
	}
	w.funnel = name
	return nil
}

func (w *World) productCosts(which, price, currency, commission string) error {
	f, ok := w.catalog.Funnels[w.funnel]
	if !ok {
		return fmt.Errorf("unknown funnel %q", w.funnel)
	}
	item := f.Front
	if which != "front-end product" {
		n := map[string]int{"first upsell": 1, "second upsell": 2, "third upsell": 3}[which]
		if n > len(f.Upsells) {
			return fmt.Errorf("funnel %q has %d upsells, so it has no %s", f.Name, len(f.Upsells), which)
		}
		item = f.Upsells[n-1].Item
	}
	p := w.catalog.Products[item]
	var err error
	if p.Price, err = money.Parse(price); err != nil {
		return fmt.Errorf("price: %w", err)
	}
	if p.Commission, err = money.ParsePercent(commission); err != nil {
		return fmt.Errorf("commission: %w", err)
	}
	p.Currency = currency
	if err := w.catalog.CheckProduct(p); err != nil {
		return err
	}
	w.editCatalog(func(c *simulator.Catalog) { c.Products[item] = p })
	return nil
}

func (w *World) convertsAt(currency, rate string) error {
	r, err := money.ParseRate(rate)
	if err != nil {
		return fmt.Errorf("rate: %w", err)
	}
	if currency == "USD" {
		if one, _ := money.ParseRate("1"); r != one {
			return fmt.Errorf("USD is what ClickBank pays in: its rate is 1, not %s", rate)
		}
		return nil
	}
	w.editCatalog(func(c *simulator.Catalog) { c.Rates[currency] = r })
	return nil
}

func (w *World) usesIntegration(name string) error {
	from := w.opts.Integrations
	if from == nil {
		_, defaults, err := simulator.LoadDefaults()
		if err != nil {
			return err
		}
		w.opts.Integrations = defaults // this scenario's copy of the options
		from = defaults
	}
	for _, in := range from {
		if in.Name == name {
			if w.integrations[in.Role] != nil {
				return fmt.Errorf("name the integration before setting up the %s integration", in.Role)
			}
			w.picked[in.Role] = name
			return nil
		}
	}
	names := make([]string, len(from))
	for i, in := range from {
		names[i] = in.Name
	}
	return fmt.Errorf("no integration is named %q (there are: %s)", name, strings.Join(names, ", "))
}

func (w *World) seedStep(seed uint64) error {
	if len(w.events) > 0 {
		return fmt.Errorf("seed ClickBank's random choices before the first purchase")
	}
	w.seed = seed
	w.rng = simulator.NewRand(seed)
	return nil
}

func (w *World) conversionTypes(list string) error {
	names, err := quotedList(list)
	if err != nil {
		return err
	}
	for i, n := range names {
		names[i] = w.conversionType(n)
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
	if typ != "" {
		typ = w.conversionType(typ)
	}
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
	name = w.templateName(name)
	return w.configure(func(c *TrackerConfig) { c.EventIDParam = name })
}
