package steps

import (
	"context"

	"github.com/cucumber/godog"
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
// whose tracker comes from f. It never lets a scenario pass that the
// tracker cannot run: a scenario that configures the tracker (@reference,
// or a tracker setup step) or restarts it (@restart, or "the tracker
// restarts") when f's trackers cannot be configured (Configurable) or
// restarted (Restarter), or that sends INS notifications (an INS step) when
// they take none (INSReceiver), is skipped with the reason (a *SkipError), and a
// step that reads what the tracker recorded is skipped, with the steps after
// it, when the tracker has no reporting API (a Reporter whose Reports is
// false, such as ObserveOnly). A scenario tagged @core is never skipped: it
// fails instead, saying why. What f's trackers can do is read from the
// tracker of a Shared factory, or else from a tracker opened and released
// for that purpose before each scenario.
func Register(sc *godog.ScenarioContext, f TrackerFactory, opts Options) {
	w := newWorld(f, opts)
	var caps capabilities
	stopped := false // a step did not pass: godog skips the rest anyway
	sc.Before(func(ctx context.Context, s *godog.Scenario) (context.Context, error) {
		ctx = context.WithValue(ctx, worldKey{}, w)
		if err := w.start(s.Uri + ":" + s.Name); err != nil {
			return ctx, err
		}
		c, err := factoryCapabilities(ctx, f)
		if err != nil {
			return ctx, err
		}
		caps = c
		err = scenarioVerdict(s, caps)
		stopped = err != nil
		return ctx, err
	})
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
		if stopped {
			return ctx, nil
		}
		return ctx, stepVerdict(st.Text, caps)
	})
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		stopped = stopped || status != godog.StepPassed
		return ctx, nil
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
	{"ClickBank setup", `^ClickBank applies the (current|current-strict|legacy24|legacy8) TID rule$`,
		"Given ClickBank applies the legacy24 TID rule",
		"Chooses how ClickBank treats the TID: current ([a-z0-9_], cut to 100), current-strict (an overlong TID dropped whole) or the older rules (letters and digits, cut to 24 or 8, upper-cased). A TID with a character the rule does not allow is dropped whole.",
		func(w *World) any { return w.tidRuleStep }},
	{"ClickBank setup", `^the vendor sells the "([^"]*)" funnel$`,
		`Given the vendor sells the "fitness-eur" funnel`, "Picks a funnel of the catalog (default: keto).",
		func(w *World) any { return w.sellsFunnel }},
	{"ClickBank setup", `^the (front-end product|first upsell|second upsell|third upsell) costs (\d+(?:\.\d\d)?) ([A-Z]{3}) with (\d+(?:\.\d+)?)% commission$`,
		"Given the front-end product costs 100.00 USD with 50% commission",
		"Overrides the price, currency and commission of the funnel's front-end product or of one of its upsells (the catalog's rules apply: 0.00 or at least 3.00, a currency with a rate).",
		func(w *World) any { return w.productCosts }},
	{"ClickBank setup", `^ClickBank converts ([A-Z]{3}) at (\d+(?:\.\d+)?) USD$`,
		"Given ClickBank converts EUR at 1.08 USD",
		"Sets the rate at which sales in that currency convert to USD (earnings are USD), whatever the catalog says.",
		func(w *World) any { return w.convertsAt }},
	{"ClickBank setup", `^ClickBank rounds (the net|its fee) to the cent$`,
		"Given ClickBank rounds its fee to the cent",
		"Chooses which amount ClickBank rounds: the net (92.5% of the price, the default) or its 7.5% fee; they differ by a cent at prices like 37.00 (the catalog's \"rounding\").",
		func(w *World) any { return w.roundsStep }},
	{"ClickBank setup", `^ClickBank uses the "([^"]*)" integration$`,
		`Given ClickBank uses the "redtrack-vendor" integration`,
		"With an integrations file of one's own (cbsim test --integrations), picks the integration of that name for its role; without one, picks it from the embedded integrations.",
		func(w *World) any { return w.usesIntegration }},
	{"ClickBank setup", `^ClickBank's random choices use seed (\d+)$`,
		"Given ClickBank's random choices use seed 42",
		"Seeds the scenario's receipts, event ids and buyer (the run's --seed and the scenario's name otherwise).",
		func(w *World) any { return w.seedStep }},

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
		"Sends a visitor through the tracker's campaign; its offer URL carries tid={clickid} (affiliate) or vtid={clickid} (vendor), which becomes the hoplink's TID or the pay link's vtid. A tracker profile may carry an affiliate's click id in another hoplink parameter (click.clickbank: extclid for Orbitra's UUIDs, which the TID rule drops): the affiliate templates' {tid} then becomes {extclid}. A vendor click id the vtid rule refuses fails the step: the pay link has no other carrier.",
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

	{"Traffic", `^the tracker (is down|answers every postback with HTTP (\d{3})|answers slower than ClickBank waits|resets the connection|answers garbage|fails the first (\d+) (?:postbacks?|INS notifications?) with HTTP (\d{3}))$`,
		"Given the tracker answers every postback with HTTP 503",
		"Puts a fault between ClickBank and the tracker: nothing listening, a status, a reply slower than ClickBank's timeout, a TCP reset, bytes that are not HTTP, or failures that pass after N requests (\"fails the first 1 INS notification with HTTP 503\" after the purchase's postbacks were sent).",
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
		"Asserts that an integration set up in the scenario sent nothing; with a reason, that at least one of its postbacks was skipped, each for that reason.",
		func(w *World) any { return w.sentNone }},
	{"What ClickBank sent", `^ClickBank sent no ` + eventAlt + ` postback$`,
		"Then ClickBank sent no Upsell Purchase postback", "No integration sent a postback of that event.",
		func(w *World) any { return w.sentNoEvent }},
	{"What ClickBank sent", `^the ` + eventAlt + ` postback to the (affiliate|vendor) integration (?:has|had) ([a-z_0-9]+)=(.*)$`,
		"Then the Initial Purchase postback to the vendor integration has sum=91.50",
		"Like the step below, for the postbacks of one integration only: a vendor and an affiliate integration on one sale each send their own sum.",
		func(w *World) any { return w.integrationPostbackHas }},
	{"What ClickBank sent", `^the ` + eventAlt + ` postback (?:has|had) no ([a-z_0-9]+) parameter$`,
		"Then the Order Form Impression postback has no zip parameter", "The postbacks of that event lack the parameter altogether.",
		func(w *World) any { return w.postbackLacks }},
	{"What ClickBank sent", `^every attempt carried the same ([a-z_0-9]+)$`,
		"Then every attempt carried the same eventid",
		"Every retried postback sent the same value of the parameter (non-empty) in every attempt; fails when no postback was retried.",
		func(w *World) any { return w.sameInEveryAttempt }},
	{"What ClickBank sent", `^the ` + eventAlt + ` postback (?:has|had) ([a-z_0-9]+)=(.*)$`,
		"Then the Initial Purchase postback has clickid=the click id",
		"Checks a query parameter of every postback of that event; the parameter must be there (=empty means present and empty). Values: a literal, \"quoted\", empty, the click id, the click id in upper case, the click id as the TID rule left it (upper-cased and cut by a legacy rule), the order id, the event id, the receipt, the postal code, the affiliate earnings, the vendor earnings. clickid, sum, eventid, zip and order_id name the offer-source template's parameters: in an integration of one's own, the parameter carrying their macro.",
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
	{"What ClickBank sent", `^the journal shows (HTTP \d{3}|a timeout|a refused connection|a reset connection|a malformed reply) for (?:the|every) attempt$`,
		"Then the journal shows HTTP 503 for every attempt", "Checks what every attempt of the last postback met.",
		func(w *World) any { return w.journalShows }},
	{"What ClickBank sent", `^the journal notes that a role-specific macro was sent empty$`,
		"Then the journal notes that a role-specific macro was sent empty",
		"An integration's template uses a macro of the other role ({tid} in a vendor integration), which ClickBank sends empty.",
		func(w *World) any { return w.notesWithheld }},
	{"What ClickBank sent", `^the journal notes that the TID was (dropped|changed)$`,
		"Then the journal notes that the TID was dropped", "ClickBank dropped an invalid TID, or changed it: cut it to the rule's length or upper-cased it.",
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
		`Then the tracker recorded an "InitialPurchase" conversion with payout 45.75`,
		"At least one conversion of that type (and payout). OrderFormImpression, InitialPurchase and UpsellPurchase stand for the type= ClickBank sent for that event. A tracker whose profile has no conversion types is asked for the payout alone; without a payout the step is skipped.",
		func(w *World) any { return w.recordedType }},
	{"What the tracker recorded", `^the tracker recorded no "([^"]*)" conversion$`,
		`Then the tracker recorded no "UpsellPurchase" conversion`, "No conversion of that type for the click. A tracker whose profile has no conversion types is judged by the money: every conversion must be matched, one for one by its sum, by a delivered postback of another event.",
		func(w *World) any { return w.recordedNoType }},
	{"What the tracker recorded", `^the tracker recorded these conversions for the click:$`,
		"Then the tracker recorded these conversions for the click:\n  | type | payout |\n  | InitialPurchase | 45.75 |",
		"Compares the conversions as data, in any order (a tracker lists them its own way); columns: type, payout, status, currency, order, duplicate_status, or any extra parameter (zip, eventid, order_id); cells may say the order id, the click id. A column the tracker's profile does not read back (or type, when it has no conversion types) is left out and named in a failure; payout and clickid are always compared; a table of no other column is skipped.",
		func(w *World) any { return w.recordedTable }},
	{"What the tracker recorded", `^the payouts? recorded (?:is|are) the (affiliate|vendor) earnings ClickBank sent$`,
		"Then the payouts recorded are the affiliate earnings ClickBank sent",
		"The tracker's payouts equal the delivered postbacks' {affiliate_earnings} or {vendor_earnings}.",
		func(w *World) any { return w.payoutsAreEarnings }},
	{"What the tracker recorded", `^every conversion has ([a-z_0-9]+) equal to what ClickBank sent as \{(\w+)\}$`,
		"Then every conversion has zip equal to what ClickBank sent as {postal_code}",
		"A parameter (or order/type) of the recorded conversions equals the macro's values in the delivered postbacks. Skipped when the tracker's profile does not read that parameter back (never for payout or clickid).",
		func(w *World) any { return w.conversionParamIs }},
	{"What the tracker recorded", `^the tracker refused the (?:postback|` + eventAlt + ` postback)(?: because of "([^"]*)")?$`,
		`Then the tracker refused the postback because of "clickid"`,
		"The tracker rejected the (last / that event's) postback, naming that parameter. Uses the tracker's rejections log, or the HTTP reply when it has none.",
		func(w *World) any { return w.refused }},

	// INS
	{"INS", `^ClickBank sends INS to the tracker$`,
		"Given ClickBank sends INS to the tracker",
		"Puts the tracker's INS URL and secret key in the INS settings of the account whose click it is (the reference tracker's /ins and --ins-secret, or a profile's ins: section). A scenario with INS steps is skipped, saying why, against a tracker that takes no INS.",
		func(w *World) any { return w.insSendsTo }},
	{"INS", `^the INS notifications are sealed with (aes-256-cbc|aes-128-cbc)$`,
		"Given the INS notifications are sealed with aes-128-cbc",
		"Seals the notifications with another cipher than ClickBank's AES-256-CBC: aes-128-cbc is what a receiver with the known bug (docs/clickbank.md §6) opens, to show what it expects.",
		func(w *World) any { return w.insSealedWith }},
	{"INS", `^ClickBank sends the SALE notification for the purchase$`,
		"When ClickBank sends the SALE notification for the purchase",
		"Sends the SALE notification of the scenario's front-end purchase (its receipt, product, TID or vtid, buyer, so the postbacks' money split) for the role of the scenario's click, retrying a refusal as ClickBank does (5 attempts, the 4 hours between them scaled to milliseconds); a refusal does not fail the step: the steps below say what the tracker answered.",
		func(w *World) any { return w.insSale }},
	{"INS", `^ClickBank sends a BILL notification for the (first|second|third) rebill$`,
		"When ClickBank sends a BILL notification for the first rebill",
		"The purchase as a monthly subscription rebilling at its price: the first rebill is its second payment, receipt RECEIPT-B002.",
		func(w *World) any { return w.insBill }},
	{"INS", `^ClickBank refunds the purchase$`,
		"When ClickBank refunds the purchase", "Sends the RFND notification of the purchase's receipt.",
		func(w *World) any { return w.insRefund }},
	{"INS", `^ClickBank sends a chargeback for the purchase$`,
		"When ClickBank sends a chargeback for the purchase", "Sends the CGBK notification of the purchase's receipt.",
		func(w *World) any { return w.insChargeback }},
	{"INS", `^ClickBank sends a TEST notification$`,
		"When ClickBank sends a TEST notification", "The INS settings' Test button: a TEST notification to the vendor's INS URL.",
		func(w *World) any { return w.insTest }},
	{"INS", `^the tracker accepted every INS notification$`,
		"Then the tracker accepted every INS notification",
		"Every notification got a 2xx reply; a failure lists each refused one with the tracker's HTTP status and body.",
		func(w *World) any { return w.insAccepted }},
	{"INS", `^the INS notification was refused with HTTP (\d{3})(?: saying "([^"]*)")?$`,
		`Then the INS notification was refused with HTTP 400 saying "decrypt"`,
		"Every attempt of the last notification met that status (and the reply's body says that text).",
		func(w *World) any { return w.insRefused }},
	{"INS", `^the INS notification was delivered on attempt (\d+)$`,
		"Then the INS notification was delivered on attempt 2", "The last notification got a 2xx on that attempt, its attemptCount.",
		func(w *World) any { return w.insDeliveredAfter }},
	{"INS", `^the (SALE|BILL|RFND|CGBK) notification carried the click id and the (affiliate|vendor) earnings of the Initial Purchase postback$`,
		"Then the SALE notification carried the click id and the affiliate earnings of the Initial Purchase postback",
		"The notification's trackingCodes carry the scenario's click id, and its totalAccountAmount is the {affiliate_earnings} or {vendor_earnings} that role's delivered Initial Purchase postback sent.",
		func(w *World) any { return w.insCarried }},
	{"INS", `^the tracker recorded the (SALE|BILL) notification as an? "([^"]*)" conversion$`,
		`Then the tracker recorded the SALE notification as an "INS:SALE" conversion`,
		"A conversion of that type for the click, with the notification's totalAccountAmount as payout (and its receipt as order, where the tracker keeps one).",
		func(w *World) any { return w.insRecordedAs }},
	{"INS", `^the purchase's conversion is reversed$`,
		"Then the purchase's conversion is reversed",
		"The \"INS:SALE\" conversion of the purchase's receipt is declined (a refund or chargeback reverses it).",
		func(w *World) any { return w.insReversed }},
}
