package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
)

func runFire(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("fire", "--event TYPE --role ROLE (--url TEMPLATE | --integration FILE) [flags]", stderr)
	event := fs.String("event", "", "event type: order_form_impression, initial_purchase or upsell_purchase")
	role := fs.String("role", "", "whose integration fires: affiliate or vendor")
	tmpl := fs.String("url", "", "postback URL template with {macros}")
	integ := fs.String("integration", "", "integration file (JSON) instead of --url")
	trk := fs.String("tracker", "", "with --integration: point its URLs at this tracker base URL (e.g. http://127.0.0.1:8800)")
	catalog := fs.String("catalog", "", "catalog file (JSON); default: the embedded catalog")
	vendor := fs.String("vendor", "ven01", "vendor nickname")
	affiliate := fs.String("affiliate", "aff01", "affiliate nickname; empty for a direct sale")
	item := fs.String("item", "KETO-FE", "item number (a catalog item, or a new one with --price)")
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
	timeout := fs.Duration("timeout", simulator.DefaultTimeout, "per-attempt timeout")
	retry := fs.String("retry", "none", "waits before further attempts, e.g. 1s,5s")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}

	req := simulator.FireRequest{Vendor: *vendor, Affiliate: *affiliate, Item: *item, Currency: *currency,
		TID: *tid, VTID: *vtid, Tracking: params, TestCard: *testCard, Seed: *seed, TestFire: *testFire, DryRun: *dry,
		Buyer: simulator.Buyer{PostalCode: *zip, Country: *country}}
	text := simulator.FireText{Event: *event, Role: *role, TIDRule: *tidRule, Price: *price, Commission: *commission}
	if err := text.Apply(&req); err != nil {
		var pe *simulator.ParamError
		errors.As(err, &pe)
		return usageError(fs, "--%s: %v", strings.ReplaceAll(pe.Param, "_", "-"), pe.Err)
	}
	var err error
	d := &simulator.Dispatcher{Timeout: *timeout}
	if d.Retry, err = simulator.ParseRetry(*retry); err != nil {
		return usageError(fs, "--retry: %v", err)
	}
	if *tmpl == "" && *integ == "" {
		return usageError(fs, "give --url TEMPLATE or --integration FILE")
	}
	req.URL = *tmpl
	if *integ != "" {
		if req.Integrations, err = loadIntegrationFile(*integ); err != nil {
			fmt.Fprintf(stderr, "cbsim fire: %v\n", err)
			return 2
		}
	}
	if *trk != "" {
		if *integ == "" {
			return usageError(fs, "--tracker rebases an --integration file; with --url write the tracker into the template")
		}
		for i, in := range req.Integrations {
			if req.Integrations[i], err = in.Rebase(*trk); err != nil {
				return usageError(fs, "--tracker: %v", err)
			}
		}
	}
	cat, err := loadCatalog(*catalog)
	if err != nil {
		fmt.Fprintf(stderr, "cbsim fire: %v\n", err)
		return 2
	}
	res, err := simulator.Fire(ctx, cat, d, req)
	if err != nil {
		fmt.Fprintf(stderr, "cbsim fire: %v\n", err)
		return 2
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	failed := false
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

func loadIntegrationFile(path string) ([]simulator.Integration, error) {
	return simulator.LoadIntegrations(os.DirFS(filepath.Dir(path)), filepath.Base(path))
}

// loadCatalog loads a catalog file, or the embedded default one for "".
func loadCatalog(path string) (*simulator.Catalog, error) {
	if path == "" {
		c, _, err := simulator.LoadDefaults()
		return c, err
	}
	return simulator.LoadCatalog(os.DirFS(filepath.Dir(path)), filepath.Base(path))
}
