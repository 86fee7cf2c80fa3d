package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"

	"github.com/cbsim/cbsim/tracker"
)

// runTracker runs the reference tracker until ctx is done:
//
//	cbsim tracker --addr 127.0.0.1:8800 --db PATH --api-key KEY [--postback-token T] [--ins-secret K]
//	  [--conversion-type NAME[:MODE]]... [--duplicate-mode MODE] [--default-type NAME]
//	  [--campaign NAME=URL]... [--postback-param NAME]... [--max-rejections N]
//	  [--read-header-timeout D] [--read-timeout D] [--write-timeout D] [--idle-timeout D]
//	  [--max-header-bytes N] [--max-body-bytes N] [--max-conns N] [-v]
//
// It prints "ready URL" on stdout once it accepts requests.
func runTracker(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("tracker", "[flags]", stderr)
	addr := fs.String("addr", "127.0.0.1:8800", "listen address HOST:PORT; an empty host means 127.0.0.1 (use 0.0.0.0 for all interfaces), port 0 picks a free port")
	dbPath := fs.String("db", "", "SQLite database file, created if missing (empty: in memory, lost on exit)")
	apiKey := secretFlag(fs, "api-key", "`KEY` required as api_key by the reporting and campaign API (required; a secret: never printed)")
	token := secretFlag(fs, "postback-token", "`TOKEN` every postback must carry as ptoken (empty: none required; a secret: never printed)")
	insSecret := secretFlag(fs, "ins-secret", "ClickBank INS secret `KEY`: POST /ins decrypts Instant Notifications with it and records SALE/BILL, reverses on RFND/CGBK (empty: /ins answers 404; a secret: never printed)")
	mode := fs.String("duplicate-mode", string(tracker.DefaultMode), "offer-wide duplicate mode, one of: "+modeNames())
	defaultType := fs.String("default-type", "", "type of a postback without one (default "+tracker.DefaultType+", else the first type)")
	eventIDParam := fs.String("event-id-param", "", "postback parameter with the Event ID role, read alone (default: rdtk_event_id, else the template's eventid)")
	verbose := fs.Bool("v", false, "log every click, postback and API request, not only rejections")
	maxRejections := fs.Int("max-rejections", tracker.DefaultMaxRejections, "refused postbacks the rejections log keeps; older ones roll off and are counted as dropped")
	var lim tracker.ServerLimits
	fs.DurationVar(&lim.ReadHeaderTimeout, "read-header-timeout", tracker.DefaultReadHeaderTimeout, "longest time to read a request's headers")
	fs.DurationVar(&lim.ReadTimeout, "read-timeout", tracker.DefaultReadTimeout, "longest time to read a whole request, body included")
	fs.DurationVar(&lim.WriteTimeout, "write-timeout", tracker.DefaultWriteTimeout, "longest time from a request's headers to the end of its reply")
	fs.DurationVar(&lim.IdleTimeout, "idle-timeout", tracker.DefaultIdleTimeout, "longest wait of a keep-alive connection for its next request")
	fs.IntVar(&lim.MaxHeaderBytes, "max-header-bytes", tracker.DefaultMaxHeaderBytes, "largest request line and headers (431 past it)")
	fs.Int64Var(&lim.MaxBodyBytes, "max-body-bytes", tracker.DefaultMaxBodyBytes, "largest request body (400 past it)")
	fs.IntVar(&lim.MaxConns, "max-conns", tracker.DefaultMaxConns, "most connections open at once; more wait in the listen backlog")
	var types []tracker.ConversionType
	fs.Var(&listFlag{add: func(s string) error {
		ct, err := tracker.ParseConversionType(s)
		if err == nil {
			types = append(types, ct)
		}
		return err
	}}, "conversion-type", "conversion type NAME[:MODE], repeatable, case-sensitive (default OrderFormImpression, InitialPurchase, UpsellPurchase); MODE one of: "+modeNames())
	var postbackParams []string
	fs.Var(&listFlag{add: func(s string) error {
		postbackParams = append(postbackParams, s)
		return nil
	}}, "postback-param", fmt.Sprintf("the offer source's additional postback parameter reported as p_sub1, p_sub2, … in that order, repeatable, at most %d (default %s)",
		tracker.MaxPostbackParams, strings.Join(tracker.DefaultPostbackParams(), ", ")))
	var campaigns []tracker.Campaign
	fs.Var(&listFlag{pairs: true, add: func(s string) error {
		c, err := tracker.ParseCampaign(s)
		if err == nil {
			campaigns = append(campaigns, c)
		}
		return err
	}}, "campaign", "campaign NAME=OFFER_URL, repeatable; {clickid} in the URL is replaced on redirect")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	m, err := tracker.ParseMode(*mode)
	if err != nil {
		return usageError(fs, "--duplicate-mode: %v", err)
	}
	for name, v := range map[string]int64{"--max-rejections": int64(*maxRejections), "--read-header-timeout": int64(lim.ReadHeaderTimeout),
		"--read-timeout": int64(lim.ReadTimeout), "--write-timeout": int64(lim.WriteTimeout), "--idle-timeout": int64(lim.IdleTimeout),
		"--max-header-bytes": int64(lim.MaxHeaderBytes), "--max-body-bytes": lim.MaxBodyBytes, "--max-conns": int64(lim.MaxConns)} {
		if v <= 0 {
			return usageError(fs, "%s must be positive", name)
		}
	}
	if *apiKey == "" {
		return usageError(fs, "--api-key is required (or $CBSIM_TRACKER_API_KEY, $CBSIM_API_KEY, or api-key under tracker: in %s)", configFile)
	}
	host, port, err := net.SplitHostPort(*addr)
	if err != nil {
		return usageError(fs, "--addr %q: want HOST:PORT such as 127.0.0.1:8800", *addr)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	t, err := tracker.Open(tracker.Config{
		DBPath:          *dbPath,
		APIKey:          *apiKey,
		PostbackToken:   *token,
		INSSecret:       *insSecret,
		ConversionTypes: types,
		DefaultType:     *defaultType,
		DuplicateMode:   m,
		EventIDParam:    *eventIDParam,
		PostbackParams:  postbackParams,
		Campaigns:       campaigns,
		MaxRejections:   *maxRejections,
		Server:          lim,
		Logger:          slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	})
	if err != nil {
		if tracker.ErrorCode(err) == tracker.EInvalid {
			return usageError(fs, "%v", err)
		}
		fmt.Fprintf(stderr, "cbsim tracker: %v\n", err)
		return 1
	}
	defer t.Close()
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fmt.Fprintf(stderr, "cbsim tracker: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "ready %s\n", readyURL(ln.Addr()))
	if err := t.Serve(ctx, ln); err != nil {
		fmt.Fprintf(stderr, "cbsim tracker: %v\n", err)
		return 1
	}
	return 0
}

// readyURL is the base URL for a listener; an unspecified host is shown as
// 127.0.0.1 so the URL can be dialled.
func readyURL(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return "http://" + a.String()
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}

func modeNames() string {
	var names []string
	for _, m := range tracker.Modes() {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}
