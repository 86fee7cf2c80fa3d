// Package demo is `cbsim demo` (and `make run`): the default funnels sent
// through an embedded reference tracker, with what ClickBank sent and what
// the tracker recorded printed side by side.
package demo

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"text/tabwriter"

	"github.com/cbsim/cbsim/redtrack"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
	"github.com/cbsim/cbsim/steps"
	"github.com/cbsim/cbsim/tracker"
)

// Options tune the demo.
type Options struct {
	Seed    uint64
	Tracker string // base URL of a running tracker; "" = an embedded reference tracker
	APIKey  string // its reporting API key
}

const demoKey = "demo"

// journeyPlan is one buyer of the demo.
type journeyPlan struct {
	title    string
	role     simulator.Role // whose campaign the visitor clicks
	offerURL string
	journey  simulator.Journey
}

var plans = []journeyPlan{
	{"affiliate aff01 sends a buyer to ven01's keto funnel (front end + 2 upsells)", "affiliate",
		"https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&tid={clickid}",
		simulator.Journey{Funnel: "keto", Affiliate: "aff01", Tracking: map[string]string{"aff_sub1": "demo", "traffic_source": "facebook"}}},
	{"vendor ven02's own traffic buys the fitness funnel in EUR (front end + upsell)", "vendor",
		"https://ven02.pay.clickbank.net/?cbitems=FIT-FE&vtid={clickid}",
		simulator.Journey{Funnel: "fitness-eur"}},
	{"affiliate aff01's buyer pays with a test card: no affiliate postback fires", "affiliate",
		"https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&tid={clickid}",
		simulator.Journey{Funnel: "keto", Affiliate: "aff01", TestCard: true, Accept: []bool{false, false}}},
}

// Run runs the demo and writes its report to w. It returns an error when a
// postback was not delivered or the tracker did not record it.
func Run(ctx context.Context, w io.Writer, o Options) error {
	base, key := o.Tracker, o.APIKey
	var hc *http.Client
	if base == "" {
		srv, err := tracker.NewServer(tracker.Config{APIKey: demoKey})
		if err != nil {
			return fmt.Errorf("start the reference tracker: %w", err)
		}
		defer srv.Close()
		base, key, hc = srv.URL, demoKey, srv.Client()
		fmt.Fprintf(w, "reference tracker listening at %s\n", base)
	}
	api := &redtrack.Client{BaseURL: base, APIKey: key, HTTPClient: hc}
	cat, ins, err := simulator.LoadDefaults()
	if err != nil {
		return err
	}
	sim := simulator.New(cat, ins)
	if err := sim.Rebase(base); err != nil {
		return err
	}
	sim.Dispatcher.Client = hc
	rng := simulator.NewRand(o.Seed)
	var failures []string
	for i, p := range plans {
		camp, err := api.EnsureCampaign(ctx, fmt.Sprintf("demo-%d-%s", i+1, p.role), p.offerURL)
		if err != nil {
			return err
		}
		visitor := &steps.RedTrack{TrackingURL: base, APIKey: key, HTTPClient: hc, Campaigns: map[simulator.Role]string{p.role: camp.ID},
			EventTime: simulator.DefaultTime}
		click, err := visitor.Click(ctx, p.role)
		if err != nil {
			return err
		}
		j := p.journey
		clickID := click.ID
		if p.role == simulator.RoleVendor {
			j.VTID = clickID
		} else {
			j.TID = clickID
		}
		fmt.Fprintf(w, "\n== %s\n   click %s → %s\n\n", p.title, clickID, click.Landing)
		_, deliveries, err := sim.Run(ctx, j, rng, simulator.DefaultTime, false)
		if err != nil {
			return err
		}
		if err := simulator.WriteTable(w, deliveries); err != nil {
			return err
		}
		sent := 0
		eventIDs := map[string]bool{}
		for _, d := range deliveries {
			if d.Skipped == "" {
				sent++
				eventIDs[d.EventID] = true
				if !d.Delivered {
					failures = append(failures, fmt.Sprintf("%s postback to %s: %s", d.Event, d.URL, d.Error()))
				}
			}
		}
		// Read back through RedTrack's GET /conversions (package redtrack):
		// the window covers the events' date and the tracker's clock, the
		// template's parameters come from p_sub1…p_sub3.
		convs, err := visitor.Conversions(ctx, clickID)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n   the tracker recorded for click %s:\n", clickID)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "   TYPE\tPAYOUT\tCURRENCY\tORDER\tZIP\tEVENT ID")
		for _, c := range convs {
			fmt.Fprintf(tw, "   %s\t%s\t%s\t%s\t%s\t%s\n", c.Type, money.Cents(c.Payout), c.Currency, c.Order, c.Params["zip"], c.EventID)
			switch {
			case c.EventID == "":
				failures = append(failures, fmt.Sprintf("click %s: the tracker recorded no event id for the %s conversion (the template sends eventid={event_id})", clickID, c.Type))
			case !eventIDs[c.EventID]:
				failures = append(failures, fmt.Sprintf("click %s: the tracker recorded the %s conversion with event id %q, which ClickBank did not send", clickID, c.Type, c.EventID))
			}
		}
		tw.Flush()
		if len(convs) != sent {
			failures = append(failures, fmt.Sprintf("click %s: ClickBank sent %d postbacks, the tracker recorded %d conversions", clickID, sent, len(convs)))
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("demo found %d problems:\n  %v", len(failures), failures)
	}
	fmt.Fprintln(w, "\nevery postback was delivered and recorded")
	return nil
}
