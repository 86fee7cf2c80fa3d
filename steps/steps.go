package steps

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/money"
)

// Step is one sentence of the step library.
type Step struct {
	Group   string // the part of the guide it belongs to
	Pattern string // the anchored regular expression godog matches
	Example string // a sentence that matches it
	Doc     string // what it does
	bind    func(w *World) any
}

// Catalog returns every step of the library, in the order of the guide.
func Catalog() []Step {
	out := make([]Step, len(catalog))
	copy(out, catalog)
	return out
}

// Register adds every step to sc, bound to a fresh World for the scenario,
// whose tracker comes from f.
func Register(sc *godog.ScenarioContext, f TrackerFactory, opts Options) {
	w := newWorld(f, opts)
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		return ctx, w.start(s.Uri + ":" + s.Name)
	})
	sc.After(func(ctx context.Context, s *godog.Scenario, err error) (context.Context, error) {
		w.close()
		return ctx, nil
	})
	for _, s := range catalog {
		sc.Step(s.Pattern, s.bind(w))
	}
}

var catalog = []Step{
	// ClickBank setup
	{"ClickBank setup", `^an? (affiliate|vendor) integration with CLICKID=\{(\w+)\} and SUM=\{(\w+)\}$`,
		"Given an affiliate integration with CLICKID={tid} and SUM={affiliate_earnings}",
		"Adds a Custom Postback/Pixel integration customized per event type: for each event the tracker's postback URL with clickid, sum, the template's additional parameters eventid={event_id}, zip={postal_code}, order_id={order_id}, and &type=<conversion type>.",
		func(w *World) any { return w.anIntegrationWith }},
	{"ClickBank setup", `^the (affiliate|vendor) integration sends "([^"]*)" for ` + eventAlt + `$`,
		`Given the affiliate integration sends "?clickid={tid}&sum={affiliate_earnings}&type=InitialPurchase" for Initial Purchase`,
		"Sets one event's URL template; a URL starting with ? or / is relative to the tracker's postback URL.",
		func(w *World) any { return w.integrationSendsFor }},
	{"ClickBank setup", `^an? (affiliate|vendor) integration with one URL for every event type: "([^"]*)"$`,
		`Given an affiliate integration with one URL for every event type: "?clickid={tid}&sum={affiliate_earnings}"`,
		"An integration not customized per event type: every event goes to the same URL.",
		func(w *World) any { return w.integrationOneURL }},
	{"ClickBank setup", `^the (affiliate|vendor) integration is inactive$`,
		"Given the vendor integration is inactive", "Turns an integration off: it sends nothing.",
		func(w *World) any { return w.integrationInactive }},
	{"ClickBank setup", `^ClickBank retries a failed postback (\d+) times?(?: after (\d+)ms)?$`,
		"Given ClickBank retries a failed postback 2 times after 10ms",
		"Adds a retry schedule (the real policy is unknown; the default is one attempt).",
		func(w *World) any { return w.retries }},
	{"ClickBank setup", `^ClickBank gives up on a postback after (\d+)ms$`,
		"Given ClickBank gives up on a postback after 200ms", "Sets the per-attempt timeout.",
		func(w *World) any { return w.timeout }},
	{"ClickBank setup", `^ClickBank applies the (current|legacy24|legacy8) TID rule$`,
		"Given ClickBank applies the legacy24 TID rule",
		"Chooses how ClickBank treats the TID: current ([a-z0-9_], up to 100) or the older upper-casing rules.",
		func(w *World) any { return w.tidRuleStep }},
	{"ClickBank setup", `^the vendor sells the "([^"]*)" funnel$`,
		`Given the vendor sells the "fitness-eur" funnel`, "Picks a funnel of the catalog (default: keto).",
		func(w *World) any { return w.sellsFunnel }},
	{"ClickBank setup", `^the front-end product costs (\d+(?:\.\d\d)?) ([A-Z]{3}) with (\d+(?:\.\d+)?)% commission$`,
		"Given the front-end product costs 100.00 USD with 50% commission",
		"Overrides the funnel's front-end price, currency and commission.",
		func(w *World) any { return w.productCosts }},

	// Tracker setup
	{"Tracker setup", `^the tracker has the conversion types? (.+)$`,
		`Given the tracker has the conversion types "OrderFormImpression", "InitialPurchase" and "UpsellPurchase"`,
		"Configures the tracker's conversion types (names are case-sensitive). Needs a configurable tracker (@reference).",
		func(w *World) any { return w.conversionTypes }},
	{"Tracker setup", `^the tracker (creates a new conversion for every duplicate|marks duplicates as repeated|ignores duplicates|edits the existing conversion on a duplicate|adds the payout of a duplicate|ignores duplicates by event id)(?: of "([^"]*)")?$`,
		`Given the tracker ignores duplicates of "UpsellPurchase"`,
		"Sets a duplicate mode, offer-wide or for one conversion type. Needs @reference.",
		func(w *World) any { return w.duplicateMode }},
	{"Tracker setup", `^the tracker requires the postback token "([^"]*)"$`,
		`Given the tracker requires the postback token "s3cret"`, "Requires ptoken on postbacks. Needs @reference.",
		func(w *World) any { return w.requiresToken }},
	{"Tracker setup", `^the tracker reads the event id from "([^"]*)"$`,
		`Given the tracker reads the event id from "eventid"`,
		"Names the postback parameter with the Event ID role (the template's eventid={event_id}). Needs @reference.",
		func(w *World) any { return w.eventIDParam }},

	// Traffic
	{"Traffic", `^a visitor clicks the (affiliate|vendor) campaign$`,
		"Given a visitor clicks the affiliate campaign",
		"Sends a visitor through the tracker's campaign; its offer URL carries tid={clickid} (affiliate) or vtid={clickid} (vendor), which becomes the hoplink's TID or the pay link's vtid.",
		func(w *World) any { return w.visitorClicks }},
	{"Traffic", `^the hoplink carries the TID "([^"]*)"$`,
		`Given the hoplink carries the TID "ABC-123"`, "Overrides the TID the hoplink carries.",
		func(w *World) any { return w.hoplinkTID }},
	{"Traffic", `^the hoplink carries the TID in upper case$`,
		"Given the hoplink carries the TID in upper case", "Upper-cases the click id on the hoplink (what an old rule did).",
		func(w *World) any { return w.hoplinkUpper }},
	{"Traffic", `^the hoplink carries ([a-z_0-9]+)=(\S*)$`,
		"Given the hoplink carries aff_sub1=spring_sale", "Adds an affiliate tracking parameter to the hoplink.",
		func(w *World) any { return w.hoplinkParam }},
	{"Traffic", `^the buyer lives at postal code "([^"]*)"(?: in ([A-Z]{2}))?$`,
		`Given the buyer lives at postal code "SW1A 1AA" in GB`, "Sets the buyer's postal code (and country).",
		func(w *World) any { return w.buyerPostal }},
	{"Traffic", `^the buyer pays with a test card$`,
		"Given the buyer pays with a test card", "Makes the order a test-card order.",
		func(w *World) any { return w.testCardStep }},
	{"Traffic", `^the buyer opens the order form and leaves$`,
		"When the buyer opens the order form and leaves", "An Order Form Impression and no purchase.",
		func(w *World) any { return w.opensAndLeaves }},
	{"Traffic", `^the buyer buys the front-end product(?: and (accepts every upsell|declines every upsell|accepts only the first upsell|accepts only the second upsell))?$`,
		"When the buyer buys the front-end product and accepts every upsell",
		"Walks the funnel: impression, initial purchase and the upsells taken; ClickBank fires each event's postbacks as it happens.",
		func(w *World) any { return w.buys }},
	{"Traffic", `^ClickBank sends a test ` + eventAlt + ` from the (affiliate|vendor) integration$`,
		"When ClickBank sends a test Initial Purchase from the affiliate integration",
		"The integration page's Test action: placeholder values instead of a real sale.",
		func(w *World) any { return w.testFire }},

	{"Traffic", `^the tracker (is down|answers every postback with HTTP (\d{3})|answers slower than ClickBank waits|resets the connection|fails the first (\d+) postbacks? with HTTP (\d{3}))$`,
		"Given the tracker answers every postback with HTTP 503",
		"Puts a fault between ClickBank and the tracker: nothing listening, a status, a reply slower than ClickBank's timeout, a TCP reset, or failures that pass after N postbacks.",
		func(w *World) any { return w.trackerMisbehaves }},

	{"Traffic", `^the tracker restarts$`,
		"When the tracker restarts",
		"Stops the tracker and starts it again on the same store (it may come back on another port). Needs a tracker that can restart (@restart).",
		func(w *World) any { return w.trackerRestarts }},

	// What ClickBank sent
	{"What ClickBank sent", `^ClickBank sent (\d+) postbacks?(?: to the (affiliate|vendor) integration)?$`,
		"Then ClickBank sent 4 postbacks", "Counts the postbacks sent (skipped ones do not count).",
		func(w *World) any { return w.sentCount }},
	{"What ClickBank sent", `^ClickBank sent no (affiliate|vendor) postback(?: because "([^"]*)")?$`,
		`Then ClickBank sent no affiliate postback because "test-card orders fire no affiliate postbacks"`,
		"Asserts an integration sent nothing (and why).", func(w *World) any { return w.sentNone }},
	{"What ClickBank sent", `^the ` + eventAlt + ` postback (?:has|had) ([a-z_0-9]+)=(.*)$`,
		"Then the Initial Purchase postback has clickid=the click id",
		"Checks a query parameter of every postback of that event; values: a literal, \"quoted\", empty, the click id, the order id, the event id, the receipt, the postal code, the affiliate earnings, the vendor earnings.",
		func(w *World) any { return w.postbackHas }},
	{"What ClickBank sent", `^every postback (?:has|had) ([a-z_0-9]+)=(.*)$`,
		"Then every postback has clickid=the click id", "Checks a query parameter of every postback sent.",
		func(w *World) any { return w.everyPostbackHas }},
	{"What ClickBank sent", `^every postback was delivered$`,
		"Then every postback was delivered", "Every postback got a 2xx reply.",
		func(w *World) any { return w.everyDelivered }},
	{"What ClickBank sent", `^the postback was not delivered after (\d+) attempts?$`,
		"Then the postback was not delivered after 3 attempts", "The last postback failed, after that many attempts.",
		func(w *World) any { return w.notDelivered }},
	{"What ClickBank sent", `^the postback was delivered after (\d+) attempts?$`,
		"Then the postback was delivered after 2 attempts", "The last postback succeeded on that attempt.",
		func(w *World) any { return w.deliveredAfter }},
	{"What ClickBank sent", `^the journal shows (HTTP \d{3}|a timeout|a refused connection|a reset connection) for (?:the|every) attempt$`,
		"Then the journal shows HTTP 503 for every attempt", "Checks what every attempt of the last postback met.",
		func(w *World) any { return w.journalShows }},
	{"What ClickBank sent", `^the journal notes that the TID was (dropped|changed)$`,
		"Then the journal notes that the TID was dropped", "ClickBank dropped an invalid TID or changed its case.",
		func(w *World) any { return w.journalNotes }},
	{"What ClickBank sent", `^the purchases share one order id and have distinct receipts$`,
		"Then the purchases share one order id and have distinct receipts",
		"Every purchase of the order carries the first receipt as {order_id} and a receipt of its own.",
		func(w *World) any { return w.shareOrder }},

	// What the tracker recorded
	{"What the tracker recorded", `^the tracker recorded (\d+) conversions? for the click$`,
		"Then the tracker recorded 4 conversions for the click", "Polls the tracker's conversions for the click id.",
		func(w *World) any { return w.recordedCount }},
	{"What the tracker recorded", `^the tracker recorded no conversion(?: for the click)?$`,
		"Then the tracker recorded no conversion for the click", "Nothing was recorded for the click id.",
		func(w *World) any { return w.recordedNone }},
	{"What the tracker recorded", `^the tracker recorded an? "([^"]*)" conversion(?: with payout (\d+\.\d\d))?$`,
		`Then the tracker recorded an "InitialPurchase" conversion with payout 45.75`, "At least one conversion of that type (and payout).",
		func(w *World) any { return w.recordedType }},
	{"What the tracker recorded", `^the tracker recorded these conversions for the click:$`,
		"Then the tracker recorded these conversions for the click:\n  | type | payout |\n  | InitialPurchase | 45.75 |",
		"Compares the conversions as data, in order; columns: type, payout, status, currency, order, duplicate_status, or any extra parameter (zip, eventid, order_id); cells may say the order id, the click id.",
		func(w *World) any { return w.recordedTable }},
	{"What the tracker recorded", `^the payouts? recorded (?:is|are) the (affiliate|vendor) earnings ClickBank sent$`,
		"Then the payouts recorded are the affiliate earnings ClickBank sent",
		"The tracker's payouts equal the delivered postbacks' {affiliate_earnings} or {vendor_earnings}.",
		func(w *World) any { return w.payoutsAreEarnings }},
	{"What the tracker recorded", `^every conversion has ([a-z_0-9]+) equal to what ClickBank sent as \{(\w+)\}$`,
		"Then every conversion has zip equal to what ClickBank sent as {postal_code}",
		"A parameter (or order/type) of the recorded conversions equals the macro's values in the delivered postbacks.",
		func(w *World) any { return w.conversionParamIs }},
	{"What the tracker recorded", `^the tracker refused the (?:postback|` + eventAlt + ` postback)(?: because of "([^"]*)")?$`,
		`Then the tracker refused the postback because of "clickid"`,
		"The tracker rejected the (last / that event's) postback, naming that parameter. Uses the tracker's rejections log, or the HTTP reply when it has none.",
		func(w *World) any { return w.refused }},
}

func (w *World) anIntegrationWith(role, click, sum string) error {
	in := w.integration(Role(role))
	for _, t := range simulator.EventTypes() {
		in.URLs[t] = fmt.Sprintf("?clickid={%s}&sum={%s}&eventid={event_id}&zip={postal_code}&order_id={order_id}&type=%s", click, sum, w.opts.typeName(t))
		if !slices.Contains(in.Events, t) {
			in.Events = append(in.Events, t)
		}
	}
	return nil
}

func (w *World) integrationSendsFor(role, tmpl, event string) error {
	in := w.integration(Role(role))
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
	in := w.integration(Role(role))
	if err := checkTemplate(tmpl); err != nil {
		return err
	}
	in.PerEvent, in.URLs, in.URL = false, nil, tmpl
	in.Events = simulator.EventTypes()
	return nil
}

func (w *World) integrationInactive(role string) error {
	in := w.integrations[Role(role)]
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
			for _, t := range simulator.EventTypes() {
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

func (w *World) visitorClicks(ctx context.Context, role string) error {
	t, err := w.trk(ctx)
	if err != nil {
		return err
	}
	c, err := t.Click(ctx, Role(role))
	if err != nil {
		return fmt.Errorf("click the %s campaign: %w", role, err)
	}
	w.click, w.clicked, w.clickRole = c, true, Role(role)
	param := "tid"
	if Role(role) == Vendor {
		param = "vtid"
	}
	value := c.ID
	if c.Landing != nil {
		// What the tracker put on the offer URL is what ClickBank receives.
		value = c.Landing.Query().Get(param)
		if value == "" {
			return fmt.Errorf("the tracker redirected the visitor to %s, which carries no %s=: the offer URL must end with %s={clickid}", c.Landing, param, param)
		}
	}
	if Role(role) == Vendor {
		w.vtid = value
	} else if !w.tidSet {
		w.tid = value
	}
	return nil
}

func (w *World) hoplinkTID(tid string) error {
	w.tid, w.tidSet = tid, true
	return nil
}

func (w *World) hoplinkUpper() error {
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
	in := w.integrations[Role(role)]
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
	w.deliveries = append(w.deliveries, w.dispatcher.Send(ctx, d))
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

func (w *World) sentCount(n int, role string) error {
	var got []simulator.Delivery
	for _, d := range w.sent("") {
		if role == "" || d.Role == simulator.Role(role) {
			got = append(got, d)
		}
	}
	if len(got) != n {
		return fmt.Errorf("expected ClickBank to send %d postbacks, but it sent %d:\n%s", n, len(got), describeDeliveries(got))
	}
	return nil
}

func (w *World) sentNone(role, why string) error {
	for _, d := range w.deliveries {
		if d.Role != simulator.Role(role) {
			continue
		}
		if d.Skipped == "" {
			return fmt.Errorf("expected no %s postback, but ClickBank sent %s", role, d.URL)
		}
		if why != "" && !strings.Contains(d.Skipped, why) {
			return fmt.Errorf("expected the %s postback to be skipped because %q, but it was skipped because %q", role, why, d.Skipped)
		}
	}
	return nil
}

// paramOf returns a query parameter of a delivery's URL.
func paramOf(d *simulator.Delivery, name string) (string, bool, error) {
	u, err := url.Parse(d.URL)
	if err != nil {
		return "", false, fmt.Errorf("postback URL %q does not parse: %w", d.URL, err)
	}
	q := u.Query()
	_, has := q[name]
	return q.Get(name), has, nil
}

func (w *World) checkParam(ds []simulator.Delivery, what, name, want string) error {
	if len(ds) == 0 {
		return fmt.Errorf("ClickBank sent no %s", what)
	}
	exp := parseExpected(want)
	for i := range ds {
		d := &ds[i]
		wantV, err := exp.resolve(w, d)
		if err != nil {
			return err
		}
		got, has, err := paramOf(d, name)
		if err != nil {
			return err
		}
		if !has && wantV != "" {
			return fmt.Errorf("expected the %s postback to have %s=%s, but it has no %s parameter: %s", d.Event.Title(), name, wantV, name, d.URL)
		}
		if got != wantV {
			return fmt.Errorf("expected the %s postback to have %s=%q (%s), but it has %s=%q: %s", d.Event.Title(), name, wantV, exp, name, got, d.URL)
		}
	}
	return nil
}

func (w *World) postbackHas(event, name, want string) error {
	t := eventNames[event]
	return w.checkParam(w.sent(t), event+" postback", name, want)
}

func (w *World) everyPostbackHas(name, want string) error {
	return w.checkParam(w.sent(""), "postback", name, want)
}

func (w *World) everyDelivered() error {
	ds := w.sent("")
	if len(ds) == 0 {
		return fmt.Errorf("ClickBank sent no postback")
	}
	for _, d := range ds {
		if !d.Delivered {
			return fmt.Errorf("the %s postback to %s was not delivered: %s (after %d attempts)", d.Event.Title(), d.URL, d.Error(), len(d.Attempts))
		}
	}
	return nil
}

func (w *World) last() (*simulator.Delivery, error) {
	ds := w.sent("")
	if len(ds) == 0 {
		return nil, fmt.Errorf("ClickBank sent no postback")
	}
	return &ds[len(ds)-1], nil
}

func (w *World) notDelivered(n int) error {
	d, err := w.last()
	if err != nil {
		return err
	}
	if d.Delivered || len(d.Attempts) != n {
		return fmt.Errorf("expected the postback to fail after %d attempts, but delivered=%v after %d attempts (%s)", n, d.Delivered, len(d.Attempts), d.Error())
	}
	return nil
}

func (w *World) deliveredAfter(n int) error {
	d, err := w.last()
	if err != nil {
		return err
	}
	if !d.Delivered || len(d.Attempts) != n {
		return fmt.Errorf("expected the postback to be delivered on attempt %d, but delivered=%v after %d attempts (%s)", n, d.Delivered, len(d.Attempts), d.Error())
	}
	return nil
}

func (w *World) journalShows(what string) error {
	d, err := w.last()
	if err != nil {
		return err
	}
	for _, a := range d.Attempts {
		var ok bool
		switch {
		case strings.HasPrefix(what, "HTTP "):
			ok = "HTTP "+strconv.Itoa(a.Status) == what
		case what == "a timeout":
			ok = strings.Contains(a.Error, "timeout")
		case what == "a refused connection":
			ok = strings.Contains(a.Error, "connection refused")
		case what == "a reset connection":
			ok = strings.Contains(a.Error, "reset") || strings.Contains(a.Error, "EOF")
		}
		if !ok {
			return fmt.Errorf("expected %s on attempt %d, but the journal shows status %d, error %q", what, a.N, a.Status, a.Error)
		}
	}
	return nil
}

func (w *World) journalNotes(what string) error {
	for _, n := range w.journal.Notes() {
		if strings.HasPrefix(n, "tid "+what) {
			return nil
		}
	}
	return fmt.Errorf("expected a journal note that the TID was %s, but the notes are %q", what, w.journal.Notes())
}

func (w *World) shareOrder() error {
	var purchases []simulator.Event
	for _, e := range w.events {
		if e.Type != simulator.OrderFormImpression {
			purchases = append(purchases, e)
		}
	}
	if len(purchases) < 2 {
		return fmt.Errorf("expected an order with upsells, but there are %d purchases", len(purchases))
	}
	seen := map[string]bool{}
	for _, e := range purchases {
		if e.OrderID != purchases[0].Receipt {
			return fmt.Errorf("the %s of %s has order id %s, expected the first receipt %s", e.Type.Title(), e.Item, e.OrderID, purchases[0].Receipt)
		}
		if seen[e.Receipt] {
			return fmt.Errorf("receipt %s is used twice", e.Receipt)
		}
		seen[e.Receipt] = true
	}
	// and what was sent says the same
	for _, d := range w.sent("") {
		if d.Event == simulator.OrderFormImpression || d.TestFire {
			continue
		}
		if d.Values["order_id"] != purchases[0].Receipt {
			return fmt.Errorf("the %s postback sent order_id %q, expected %s", d.Event.Title(), d.Values["order_id"], purchases[0].Receipt)
		}
	}
	return nil
}

// conversions polls the tracker until ok accepts its conversions for the
// click, or the wait runs out; it returns the last list seen.
func (w *World) conversions(ctx context.Context, ok func([]Conversion) bool) ([]Conversion, error) {
	id, err := w.clickID()
	if err != nil {
		return nil, err
	}
	t, err := w.trk(ctx)
	if err != nil {
		return nil, err
	}
	wait := w.opts.Wait
	if wait <= 0 {
		wait = 5 * time.Second
	}
	deadline := time.Now().Add(wait)
	delay := 5 * time.Millisecond
	for {
		cs, err := t.Conversions(ctx, id)
		if err != nil {
			if errors.Is(err, ErrNotSupported) {
				return nil, fmt.Errorf("asserting what the tracker recorded is %w (no reporting API)", ErrNotSupported)
			}
			return nil, fmt.Errorf("read the tracker's conversions: %w", err)
		}
		if ok(cs) || time.Now().After(deadline) {
			return cs, nil
		}
		select {
		case <-ctx.Done():
			return cs, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 200*time.Millisecond)
	}
}

func (w *World) settle(ctx context.Context) {
	if w.opts.Settle > 0 {
		select {
		case <-ctx.Done():
		case <-time.After(w.opts.Settle):
		}
	}
}

func (w *World) recordedCount(ctx context.Context, n int) error {
	if n == 0 {
		return w.recordedNone(ctx)
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return len(cs) >= n })
	if err != nil {
		return err
	}
	w.settle(ctx)
	if len(cs) != n {
		return fmt.Errorf("expected %d conversions for click %s, but the tracker recorded %d:\n%s", n, w.click.ID, len(cs), describeConversions(cs))
	}
	return nil
}

func (w *World) recordedNone(ctx context.Context) error {
	w.settle(ctx)
	cs, err := w.conversions(ctx, func([]Conversion) bool { return true })
	if err != nil {
		return err
	}
	if len(cs) != 0 {
		return fmt.Errorf("expected no conversion for click %s, but the tracker recorded %d:\n%s", w.click.ID, len(cs), describeConversions(cs))
	}
	return nil
}

func (w *World) recordedType(ctx context.Context, typ, payout string) error {
	match := func(c Conversion) bool {
		return c.Type == typ && (payout == "" || money.Cents(c.Payout).String() == payout)
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return slices.ContainsFunc(cs, match) })
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(cs, match) {
		want := fmt.Sprintf("a %q conversion", typ)
		if payout != "" {
			want += " with payout " + payout
		}
		return fmt.Errorf("expected %s for click %s, but the tracker recorded:\n%s", want, w.click.ID, describeConversions(cs))
	}
	return nil
}

// field returns a conversion's value for a table column or parameter name.
func field(c Conversion, name string) string {
	switch name {
	case "type":
		return c.Type
	case "payout", "sum":
		return money.Cents(c.Payout).String()
	case "status":
		return c.Status
	case "currency":
		return c.Currency
	case "order":
		return c.Order
	case "duplicate_status":
		return c.DuplicateStatus
	case "clickid":
		return c.ClickID
	case "event_id":
		return c.EventID
	}
	return c.Params[name]
}

func (w *World) recordedTable(ctx context.Context, table *godog.Table) error {
	if len(table.Rows) < 1 {
		return fmt.Errorf("the table needs a header row")
	}
	var cols []string
	for _, c := range table.Rows[0].Cells {
		cols = append(cols, c.Value)
	}
	var want [][]string
	for _, r := range table.Rows[1:] {
		var row []string
		for i, c := range r.Cells {
			exp := parseExpected(c.Value)
			v := exp.literal
			switch exp.ref {
			case "":
			case "click id":
				v = w.click.ID
			case "order id":
				v = w.orderID()
			default:
				return fmt.Errorf("column %s: %q cannot be used in a table (use a literal, the click id or the order id)", cols[i], c.Value)
			}
			row = append(row, v)
		}
		want = append(want, row)
	}
	render := func(cs []Conversion) [][]string {
		var out [][]string
		for _, c := range cs {
			var row []string
			for _, col := range cols {
				row = append(row, field(c, col))
			}
			out = append(out, row)
		}
		return out
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return slices.EqualFunc(render(cs), want, slices.Equal) })
	if err != nil {
		return err
	}
	if got := render(cs); !slices.EqualFunc(got, want, slices.Equal) {
		return fmt.Errorf("the tracker recorded other conversions for click %s:\n%s\nexpected:\n%s", w.click.ID, formatRows(cols, got), formatRows(cols, want))
	}
	return nil
}

// orderID is the order id of the scenario's first purchase.
func (w *World) orderID() string {
	for _, e := range w.events {
		if e.OrderID != "" {
			return e.OrderID
		}
	}
	return ""
}

func (w *World) payoutsAreEarnings(ctx context.Context, role string) error {
	return w.conversionParamIs(ctx, "payout", role+"_earnings")
}

func (w *World) conversionParamIs(ctx context.Context, name, macro string) error {
	var want []string
	types := map[string]bool{} // conversion types of the postbacks that sent the macro
	for _, d := range w.sent("") {
		if !d.Delivered || d.TestFire || !strings.Contains(d.Template, "{"+macro+"}") {
			continue
		}
		want = append(want, d.Values[macro])
		typ, has, err := paramOf(&d, "type")
		if err != nil {
			return err
		}
		if !has {
			types = nil // the tracker's default type: cannot tell conversions apart
		} else if types != nil {
			types[typ] = true
		}
	}
	if len(want) == 0 {
		return fmt.Errorf("no delivered postback sent {%s} to compare with", macro)
	}
	slices.Sort(want)
	got := func(cs []Conversion) []string {
		var out []string
		for _, c := range cs {
			if types == nil || types[c.Type] {
				out = append(out, field(c, name))
			}
		}
		slices.Sort(out)
		return out
	}
	cs, err := w.conversions(ctx, func(cs []Conversion) bool { return slices.Equal(got(cs), want) })
	if err != nil {
		return err
	}
	if g := got(cs); !slices.Equal(g, want) {
		return fmt.Errorf("expected the conversions' %s to be what ClickBank sent as {%s} %q, but the tracker recorded %q", name, macro, want, g)
	}
	return nil
}

func (w *World) refused(ctx context.Context, event, param string) error {
	ds := w.sent(eventNames[event])
	if len(ds) == 0 {
		return fmt.Errorf("ClickBank sent no postback the tracker could refuse")
	}
	d := ds[len(ds)-1]
	if d.Delivered {
		return fmt.Errorf("expected the tracker to refuse %s, but it replied %d: %s", d.URL, d.Status(), firstAttemptBody(&d))
	}
	t, err := w.trk(ctx)
	if err != nil {
		return err
	}
	rs, err := t.Rejections(ctx)
	if errors.Is(err, ErrNotSupported) {
		// No rejections log: the HTTP reply is all there is.
		if d.Status() < 400 || d.Status() > 499 {
			return fmt.Errorf("expected a 4xx refusal of %s, but the tracker replied %d (%s)", d.URL, d.Status(), d.Error())
		}
		if param != "" && !strings.Contains(firstAttemptBody(&d), param) {
			return fmt.Errorf("expected the refusal to name %q, but the tracker replied %s", param, firstAttemptBody(&d))
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the tracker's rejections: %w", err)
	}
	q := d.URL
	if i := strings.IndexByte(q, '?'); i >= 0 {
		q = q[i+1:]
	}
	for _, r := range rs {
		if r.Query == q && (param == "" || r.Param == param) {
			return nil
		}
	}
	return fmt.Errorf("expected the tracker's rejections log to hold %s (param %q), but it holds:\n%s", q, param, describeRejections(rs))
}

func firstAttemptBody(d *simulator.Delivery) string {
	if len(d.Attempts) == 0 {
		return ""
	}
	return d.Attempts[len(d.Attempts)-1].Body
}

func describeDeliveries(ds []simulator.Delivery) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s %s → %d %s\n", d.Event.Title(), d.URL, d.Status(), d.Error())
	}
	return b.String()
}

func describeConversions(cs []Conversion) string {
	if len(cs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "  type=%s payout=%s status=%s order=%s dup=%s params=%v\n", c.Type, money.Cents(c.Payout), c.Status, c.Order, c.DuplicateStatus, c.Params)
	}
	return b.String()
}

func describeRejections(rs []Rejection) string {
	if len(rs) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "  %d %s: %s (%s)\n", r.Status, r.Param, r.Reason, r.Query)
	}
	return b.String()
}

func formatRows(cols []string, rows [][]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  | %s |\n", strings.Join(cols, " | "))
	for _, r := range rows {
		fmt.Fprintf(&b, "  | %s |\n", strings.Join(r, " | "))
	}
	return b.String()
}
