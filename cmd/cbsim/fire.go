package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/macro"
)

func runFire(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("fire", "--event TYPE --role ROLE (--url TEMPLATE | --integration FILE) [flags]", stderr)
	event := fs.String("event", "", "event type: "+macro.EventTypeNames)
	role := fs.String("role", "", "whose integration fires: "+macro.RoleNames)
	tmpl := new(string)
	fs.Var((*templateFlag)(tmpl), "url", "postback `URL` template with {macros}; the literal value of a parameter whose name holds key, token, secret or pass is a secret: never printed")
	sf := addSimFlags(fs, "integration", "integration file (JSON) instead of --url",
		"", "with --integration: point its URLs at this tracker base URL (e.g. http://127.0.0.1:8800)")
	vendor := fs.String("vendor", "", "vendor nickname (default: the item's, "+simulator.DefaultVendor+" for a new item)")
	affiliate := fs.String("affiliate", simulator.DefaultAffiliate, "affiliate nickname; empty for a direct sale")
	item := fs.String("item", simulator.DefaultItem, "item number (a catalog item, or a new one with --price)")
	price := fs.String("price", "", "retail price such as 100.00 (default: the catalog's)")
	commission := fs.String("commission", "", "affiliate commission percent such as 50 (default: the catalog's)")
	currency := fs.String("currency", "", "currency the customer pays in (default: the catalog's)")
	tid := fs.String("tid", "", "TID on the affiliate's hoplink")
	tidRule := fs.String("tid-rule", "current", "TID rule: "+ids.TIDRules)
	vtid := fs.String("vtid", "", "vtid on the vendor's pay link")
	params := keyValues{}
	fs.Var(params, "param", "affiliate tracking parameter NAME=VALUE (repeatable), e.g. aff_sub1=x")
	zip := fs.String("zip", "", "buyer postal code (default: drawn from the seed)")
	country := fs.String("country", "", "buyer country (default: drawn from the seed)")
	testCard := fs.Bool("test-card", false, "a test-card order (fires no affiliate postbacks)")
	seed := fs.Uint64("seed", 1, "seed of every random choice; the same seed gives the same URLs")
	testFire := fs.Bool("test-fire", false, "send placeholder values like ClickBank's Test button")
	dry := fs.Bool("dry-run", false, "build and print, send nothing")
	asJSON := fs.Bool("json", false, "print one JSON object per delivery")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *vendor == "" && len(setFlags(fs, "vendor")) > 0 {
		return usageError(fs, "%s is empty: give a vendor nickname, or leave the flag out for the item's vendor", flagRef(fs, "vendor"))
	}
	if *tmpl == "" && *sf.integrations == "" {
		return usageError(fs, "give --url TEMPLATE or --integration FILE")
	}
	if *sf.tracker != "" && *sf.integrations == "" {
		return usageError(fs, "%s rebases an --integration file; with --url write the tracker into the template%s", flagRef(fs, "tracker"), envAdvice(fs, "tracker"))
	}
	sim, code := sf.simulator(fs, false)
	if code >= 0 {
		return code
	}
	req := simulator.FireRequest{URL: *tmpl, Vendor: *vendor, Affiliate: *affiliate, Item: *item, Currency: *currency,
		TID: *tid, VTID: *vtid, Tracking: params, TestCard: *testCard, Seed: *seed, TestFire: *testFire, DryRun: *dry,
		Buyer: simulator.Buyer{PostalCode: *zip, Country: *country}}
	text := simulator.FireText{Event: *event, Role: *role, TIDRule: *tidRule, Price: *price, Commission: *commission}
	err := text.Apply(&req)
	var res simulator.FireResult
	if err == nil {
		res, err = sim.Fire(ctx, req)
	}
	if pe, ok := errors.AsType[*simulator.ParamError](err); ok {
		return usageError(fs, "%s: %v", flagOf(pe.Param), pe.Err)
	} else if err != nil {
		fmt.Fprintf(stderr, "cbsim fire: %v\n", err)
		return 2
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	for _, d := range res.Deliveries {
		for _, n := range d.Notes {
			fmt.Fprintf(stderr, "note: %s\n", n)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for i := range res.Deliveries {
			if err := enc.Encode(res.Deliveries[i].Record()); err != nil {
				return 1
			}
		}
	} else {
		_ = simulator.WriteTable(stdout, res.Deliveries)
	}
	failed := false
	for _, del := range res.Deliveries {
		switch {
		case *dry || del.Skipped != "":
		case !del.Delivered:
			failed = true
		case del.TestFire && !*asJSON:
			// what ClickBank's integration page says after a Test
			fmt.Fprintf(stdout, "Test event delivered (%s, HTTP %d)\n", del.Integration, del.Status())
		}
	}
	if failed {
		return 1
	}
	return 0
}

// flagOf names the flag of a FireRequest parameter.
func flagOf(param string) string {
	if param == "params" {
		return "--param"
	}
	return "--" + strings.ReplaceAll(param, "_", "-")
}
