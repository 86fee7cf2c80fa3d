package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/cbsim/cbsim/internal/redact"
	"github.com/cbsim/cbsim/load"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/control"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/ins"
	"github.com/cbsim/cbsim/simulator/storefront"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "[--addr 127.0.0.1:8080] [--tracker URL] [flags]", stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address HOST:PORT; an empty host means 127.0.0.1 (use 0.0.0.0 for all interfaces), port 0 picks a free port")
	token := secretFlag(fs, "token", "require \"Authorization: Bearer `TOKEN`\" on every API endpoint but /healthz (the console page and the buyer's pages need none; empty: none; a secret: never printed)")
	capacity := fs.Int("journal-capacity", simulator.DefaultJournalCapacity, "deliveries (and notes) the journal keeps; older ones roll off and are counted")
	sf := addSimFlags(fs, "integrations", "integrations file (default: the embedded integrations)",
		"", "point the integrations at this tracker base URL (default: as the fixtures say)")
	seed := fs.Uint64("seed", 1, "first seed of requests that give none (each takes the next), so a restarted server replays the same values")
	insf := addServeINSFlags(fs)
	tidRule := fs.String("tid-rule", "current", "how a hoplink treats the affiliate's tid: "+ids.TIDRules+" (docs/clickbank.md §2)")
	window := fs.Duration("referral-window", storefront.DefaultWindow, "how long a hop cookie credits the affiliate (ClickBank's 60 days = 1440h); the simulator's clock moves with POST /clock")
	testCard := fs.String("test-card", storefront.DefaultTestCard, "the card number that makes an order form's purchase a test order (12 to 19 digits)")
	caCert := fs.String("ca-cert", "", "write the certificate of the CA cbsim signs ClickBank's host names with to `FILE` (PEM), for clients that use cbsim as their proxy; also served at /ca.pem")
	var allowHosts []string
	fs.Var(&listFlag{add: func(v string) error {
		for _, n := range strings.Split(v, ",") {
			if n = strings.TrimSpace(n); n == "" || strings.ContainsAny(n, "/:@ ") {
				return fmt.Errorf("%q is not a host name", n)
			}
			allowHosts = append(allowHosts, n)
		}
		return nil
	}, pairs: true}, "allow-host", "without --token the API answers only IP addresses, localhost and names under it as Host (a guard against DNS rebinding); also answer this `NAME` (repeatable or comma-separated), e.g. the simulator's container name")
	profName := fs.String("profile", "", "send the postbacks in this tracker profile's names (a bundled name or a file) to --tracker: the affiliate's click id in the profile's ClickBank parameter (extclid for voluum), the vendor's in vtid")
	set := keyValues{}
	fs.Var(set, "set", "with --profile: a setting of the profile, NAME=VALUE (repeatable); a secret setting is never printed")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *capacity < 1 {
		return usageError(fs, "--journal-capacity must be at least 1, got %d", *capacity)
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return usageError(fs, "--addr %q: want HOST:PORT such as 127.0.0.1:8080", *addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	rule, err := ids.ParseTIDRule(*tidRule)
	if err != nil {
		return usageError(fs, "--tid-rule: %v", err)
	}
	if *window <= 0 {
		return usageError(fs, "--referral-window must be a positive duration such as 1440h, got %s", *window)
	}
	if err := storefront.CheckTestCard(*testCard); err != nil {
		return usageError(fs, "--test-card: %v", err)
	}
	switch {
	case *profName != "" && *sf.integrations != "":
		return usageError(fs, "give --profile or --integrations, not both: a profile makes the integrations")
	case *profName != "" && *sf.tracker == "":
		return usageError(fs, "--profile %s needs --tracker: the tracker's base URL the profile's postbacks go to", *profName)
	case *profName == "" && len(set) > 0:
		return usageError(fs, "--set gives a profile's settings: give --profile too")
	}
	sim, code := sf.simulator(fs, true)
	if code >= 0 {
		return code
	}
	sim.Journal.Capacity = *capacity
	if *profName != "" {
		tr, code := serveProfile(fs, sf, *profName, set)
		if code >= 0 {
			return code
		}
		defer tr.Close()
		carrier := tr.Profile().ClickBankParam(profile.RoleAffiliate)
		sim.Integrations = load.Integrations(tr, []simulator.Role{simulator.RoleAffiliate, simulator.RoleVendor}, carrier, nil)
	}
	if code := insf.apply(fs, sim); code >= 0 {
		return code
	}
	ca, err := storefront.NewCA(time.Now()) // the real time: clients check certificates against their own clock
	if err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 1
	}
	if *caCert != "" {
		if err := os.WriteFile(*caCert, ca.CertPEM(), 0o644); err != nil {
			fmt.Fprintf(stderr, "cbsim serve: --ca-cert: %v\n", err)
			return 1
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 1
	}
	// The control API's answers quote the integrations' URLs: their
	// secrets, and the server's token, are masked there too.
	secrets := append(values(secretsOf(fs)), sf.secrets...)
	sim.Clock = &simulator.Clock{}
	store := storefront.New(sim, storefront.Options{Seed: *seed + storeSeeds, TIDRule: rule, Window: *window, TestCard: *testCard,
		Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	front := storefront.NewFront(store, ca)
	srv := control.Serve(ln, sim, *seed, control.WithToken(*token), control.WithSecrets(secrets...), control.WithFront(front), control.WithAllowedHosts(allowHosts...))
	base := readyURL(ln.Addr())
	fmt.Fprintf(stdout, "ready %s\n", base)
	printBases(stdout, base)
	<-ctx.Done()
	err = errors.Join(front.Close(), srv.Close())
	if err != nil {
		fmt.Fprintf(stderr, "cbsim serve: %v\n", err)
		return 1
	}
	return 0
}

// storeSeeds is how far the store's seeds (hops, order forms) start from
// the control API's, so that the two sequences never give the same
// receipts.
const storeSeeds = 1 << 40

// printBases prints, after the ready line, where a tracker's offer URLs
// and a browser go: the console, the hoplink and pay-link bases to put in
// place of ClickBank's, and the proxy for ClickBank's own host names.
func printBases(w io.Writer, base string) {
	fmt.Fprintf(w, "console   %s/\n", base)
	fmt.Fprintf(w, "hoplinks  %s/hop?affiliate=AFF&vendor=VEN&tid=…        in place of https://hop.clickbank.net/?affiliate=AFF&vendor=VEN&tid=…\n", base)
	fmt.Fprintf(w, "pay links %s/pay/VEN?cbitems=SKU&vtid=…               in place of https://VEN.pay.clickbank.net/?cbitems=SKU&vtid=…\n", base)
	fmt.Fprintf(w, "proxy     %s for ClickBank's host names only (PAC %s/proxy.pac; trust %s/ca.pem for https)\n", base, base, base)
}

// serveProfile binds the profile name to --tracker for cbsim serve's
// postbacks; exit code 2 for a bad flag, else -1.
func serveProfile(fs *flag.FlagSet, sf *simFlags, name string, set keyValues) (*profile.Tracker, int) {
	noReader := ""
	tr, _, code := (&profileFlags{name: &name, reader: &noReader}).bind(fs, profileInput{name: name, tracker: *sf.tracker, set: set, postbackOnly: true})
	return tr, code
}

// insURLs is --ins-url of cbsim serve: ROLE=URL entries, at most
// simulator.MaxINSURLs per role. The literal values of the URLs'
// secret-named query parameters are secrets.
type insURLs struct {
	byRole map[ins.Role][]string
	order  []ins.Role // roles in the order first given
}

func (u *insURLs) String() string {
	if u == nil {
		return ""
	}
	var parts []string
	for _, r := range u.order {
		for _, v := range u.byRole[r] {
			parts = append(parts, strings.ToLower(string(r))+"="+v)
		}
	}
	return strings.Join(parts, ",")
}

func (u *insURLs) Set(s string) error {
	role, url, ok := strings.Cut(s, "=")
	if !ok || url == "" {
		return errors.New("want ROLE=URL, ROLE vendor or affiliate") // the entry is not quoted: its URL may hold a secret
	}
	r := ins.Role(strings.ToUpper(role))
	if r != ins.Vendor && r != ins.Affiliate {
		return fmt.Errorf("role %q: want vendor or affiliate", role)
	}
	if u.byRole == nil {
		u.byRole = map[ins.Role][]string{}
	}
	if len(u.byRole[r]) == simulator.MaxINSURLs {
		return fmt.Errorf("more than %d URLs for %s: ClickBank lets an account set at most %d", simulator.MaxINSURLs, strings.ToLower(role), simulator.MaxINSURLs)
	}
	if len(u.byRole[r]) == 0 {
		u.order = append(u.order, r)
	}
	u.byRole[r] = append(u.byRole[r], url)
	return nil
}

func (u *insURLs) repeatable() bool { return true }

func (u *insURLs) secrets() []heldSecret {
	var out []heldSecret
	for _, r := range u.order {
		for _, v := range u.byRole[r] {
			out = append(out, paramSecrets("", redact.QuerySecrets(v))...)
		}
	}
	return out
}

// serveINSFlags are cbsim serve's INS flags: where the notifications of
// each role go, sealed with which key, in which version, retried how fast.
type serveINSFlags struct {
	urls    insURLs
	secret  *string
	version *string
	factor  *float64
}

func addServeINSFlags(fs *flag.FlagSet) *serveINSFlags {
	f := &serveINSFlags{}
	fs.Var(&f.urls, "ins-url", "send INS notifications of `ROLE` (vendor or affiliate) to URL: ROLE=URL, repeatable, at most two URLs per role (a parameter whose name holds key, token, secret or pass is a secret: never printed)")
	f.secret = secretFlag(fs, "ins-secret", "the INS secret `KEY` the notifications are sealed with: 1 to 16 upper-case letters or digits (a secret: never printed)")
	f.version = fs.String("ins-version", ins.DefaultVersion, "INS version of the notifications: 6.0, 7.0 or 8.0")
	f.factor = fs.Float64("ins-time-factor", 1e-4, "scales ClickBank's 4h between INS attempts: 1e-4 waits 1.44s, 1 waits 4 hours (a refused notification holds its request until the last attempt)")
	return f
}

// apply sets sim's INS endpoints and sender as the flags say; a bad value
// is a usage error naming its flag (exit 2), else it returns -1.
func (f *serveINSFlags) apply(fs *flag.FlagSet, sim *simulator.Simulator) int {
	if _, err := ins.PaddingFor(*f.version); err != nil {
		return usageError(fs, "--ins-version: %v", err)
	}
	if !(*f.factor > 0 && *f.factor <= 1) {
		return usageError(fs, "--ins-time-factor %g: want more than 0 and at most 1 (1 is ClickBank's 4 hours)", *f.factor)
	}
	sim.INS = &simulator.INSSender{TimeFactor: *f.factor}
	switch {
	case len(f.urls.order) == 0 && *f.secret != "":
		return usageError(fs, "--ins-secret is set but no --ins-url: give --ins-url vendor=URL or affiliate=URL to send INS notifications")
	case len(f.urls.order) == 0:
		return -1
	case *f.secret == "":
		return usageError(fs, "--ins-url needs --ins-secret: the account's INS secret key (ClickBank's: 1 to 16 upper-case letters or digits)")
	}
	sim.INSEndpoints = nil
	for _, r := range f.urls.order {
		sim.INSEndpoints = append(sim.INSEndpoints, simulator.INSEndpoint{Role: r, Version: *f.version,
			Target: simulator.INSTarget{URLs: f.urls.byRole[r], Secret: *f.secret}})
	}
	if err := sim.CheckINSEndpoints(); err != nil {
		name := "--ins-url"
		if pe, ok := errors.AsType[*simulator.ParamError](err); ok {
			switch pe.Param[strings.LastIndex(pe.Param, ".")+1:] {
			case "secret":
				name = "--ins-secret"
			case "version":
				name = "--ins-version"
			}
			err = pe.Err
		}
		return usageError(fs, "%s: %v", name, err)
	}
	return -1
}
