package main

// cbsim ins: ClickBank's Instant Notifications on the command line —
// encode and decode envelopes (package simulator/ins), send notifications
// built from the catalog (simulator.BuildINS, simulator.INSSender).

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cbsim/cbsim/internal/redact"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/ins"
	"github.com/cbsim/cbsim/simulator/money"
)

// stdinKey is the context key of a command's standard input (withStdin);
// the command interface has none, and only cbsim ins reads it.
type stdinKey struct{}

// withStdin gives the commands run with ctx r as their standard input
// (tests; main leaves os.Stdin).
func withStdin(ctx context.Context, r io.Reader) context.Context {
	return context.WithValue(ctx, stdinKey{}, r)
}

// stdinOf is the standard input of the command run with ctx.
func stdinOf(ctx context.Context) io.Reader {
	if r, ok := ctx.Value(stdinKey{}).(io.Reader); ok {
		return r
	}
	return os.Stdin
}

// maxINSInput is the most a cbsim ins command reads from stdin; a
// notification is a few kilobytes.
const maxINSInput = 1 << 20

// insSubcommands are cbsim ins's subcommands and what each does.
var insSubcommands = []struct{ name, summary string }{
	{"encode", "seal a notification's plaintext JSON (stdin) into the envelope ClickBank posts (stdout)"},
	{"decode", "open an envelope (stdin) and print the plaintext exactly as decrypted (stdout)"},
	{"send", "build notifications from the catalog and POST them to one or two INS URLs, retrying as ClickBank does"},
}

func runINS(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "encode":
		return runINSEncode(ctx, args[1:], stdout, stderr)
	case "decode":
		return runINSDecode(ctx, args[1:], stdout, stderr)
	case "send":
		return runINSSend(ctx, args[1:], stdout, stderr)
	}
	// Bare, cbsim ins lists its subcommands on stdout; asked for help, on
	// stderr as every -h; after an unknown subcommand, on stderr, exit 2.
	w := stderr
	if sub == "" {
		w = stdout
	}
	fmt.Fprintln(w, "usage: cbsim ins SUBCOMMAND [flags]\n\nsubcommands:")
	for _, s := range insSubcommands {
		fmt.Fprintf(w, "  %-7s %s\n", s.name, s.summary)
	}
	fmt.Fprintln(w, "\nRun 'cbsim ins SUBCOMMAND -h' for its flags.")
	switch sub {
	case "":
		return 0
	case "-h", "-help", "--help", "help":
		// Every subcommand's flags, so that one -h shows them all.
		for _, s := range []func(context.Context, []string, io.Writer, io.Writer) int{runINSEncode, runINSDecode, runINSSend} {
			fmt.Fprintln(stderr)
			s(ctx, []string{"-h"}, stdout, stderr)
		}
		return 0
	}
	fmt.Fprintf(stderr, "cbsim ins: unknown subcommand %q: want encode, decode or send\n", sub)
	return 2
}

// readINSInput reads the standard input of ctx's command, at most
// maxINSInput bytes; what names it in errors.
func readINSInput(ctx context.Context, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(stdinOf(ctx), maxINSInput+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading %s from stdin: %w", what, err)
	case len(data) > maxINSInput:
		return nil, fmt.Errorf("stdin holds more than %d bytes: %s is a few kilobytes", maxINSInput, what)
	case len(bytes.TrimSpace(data)) == 0:
		return nil, fmt.Errorf("stdin is empty: pipe %s in", what)
	}
	return data, nil
}

// secretRequired is the usage error of a missing --secret.
func secretRequired(fs *flag.FlagSet) int {
	return usageError(fs, "--secret is required: the account's INS secret key (ClickBank's: 1 to 16 upper-case letters or digits)")
}

// envelopeFlags are the flags that shape an envelope: version, cipher,
// padding.
type envelopeFlags struct{ version, cipher, padding *string }

func addEnvelopeFlags(fs *flag.FlagSet) *envelopeFlags {
	return &envelopeFlags{
		version: fs.String("version", ins.DefaultVersion, "INS version: 6.0, 7.0 or 8.0 (6.0 pads with zeros, 7.0 and 8.0 with PKCS#7)"),
		cipher:  fs.String("cipher", string(ins.AES256CBC), "aes-256-cbc (ClickBank's) or aes-128-cbc (the key's first 16 characters: what some faulty receivers expect)"),
		padding: fs.String("padding", "", "pkcs7 or zero, to override the version's padding on purpose"),
	}
}

// options checks the flags; a bad one is reported as a usage error (2).
func (f *envelopeFlags) options(fs *flag.FlagSet) (ins.Options, int) {
	var o ins.Options
	if _, err := ins.PaddingFor(*f.version); err != nil {
		return o, usageError(fs, "--version: %v", err)
	}
	c, err := ins.ParseCipher(*f.cipher)
	if err != nil {
		return o, usageError(fs, "--cipher: %v", err)
	}
	var p ins.Padding
	if *f.padding != "" {
		if p, err = ins.ParsePadding(*f.padding); err != nil {
			return o, usageError(fs, "--padding: %v", err)
		}
	}
	return ins.Options{Version: *f.version, Cipher: c, Padding: p}, -1
}

// runINSEncode is `cbsim ins encode`: plaintext JSON on stdin, the
// envelope on stdout exactly as ClickBank posts it (no newline added).
func runINSEncode(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newPlainFlags("ins encode", "--secret KEY [--version 6.0|7.0|8.0] [--cipher aes-256-cbc|aes-128-cbc] [--padding pkcs7|zero] < plaintext.json", stderr)
	secret := secretFlag(fs, "secret", "the account's INS secret `KEY` (a secret: never printed)")
	ef := addEnvelopeFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *secret == "" {
		return secretRequired(fs)
	}
	opts, code := ef.options(fs)
	if code >= 0 {
		return code
	}
	plain, err := readINSInput(ctx, "the notification's plaintext JSON")
	if err != nil {
		fmt.Fprintf(stderr, "cbsim ins encode: %v\n", err)
		return 1
	}
	// An editor's trailing newline is not part of the notification:
	// ClickBank's plaintext ends with its closing brace.
	plain = bytes.TrimRight(plain, " \t\r\n")
	opts.Rand = rand.Reader
	env, err := ins.Encode(plain, *secret, opts)
	if err != nil {
		fmt.Fprintf(stderr, "cbsim ins encode: %v\n", err)
		return 1
	}
	if _, err := stdout.Write(env); err != nil {
		return 1
	}
	return 0
}

// runINSDecode is `cbsim ins decode`: an envelope on stdin, the plaintext
// exactly as decrypted on stdout; a failure says what is wrong, exit 1.
func runINSDecode(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newPlainFlags("ins decode", "--secret KEY < envelope.json", stderr)
	secret := secretFlag(fs, "secret", "the account's INS secret `KEY` (a secret: never printed)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *secret == "" {
		return secretRequired(fs)
	}
	env, err := readINSInput(ctx, "the envelope")
	if err == nil {
		var plain []byte
		if plain, err = ins.Decode(env, *secret); err == nil {
			if !redact.TooShort(*secret) && bytes.Contains(plain, []byte(*secret)) {
				// cbsim masks its secrets in all it prints, this plaintext too.
				fmt.Fprintf(stderr, "cbsim ins decode: warning: the plaintext holds the text of --secret, which cbsim never prints: it is masked as %s where it stands alone\n", redact.Mask)
			}
			if _, err := stdout.Write(plain); err != nil {
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "cbsim ins decode: %v\n", err)
	return 1
}

// urlList is a repeatable URL flag (ins send --url): the literal values
// of the URLs' secret-named query parameters are secrets.
type urlList []string

func (u *urlList) String() string     { return strings.Join(*u, ",") }
func (u *urlList) Set(s string) error { *u = append(*u, s); return nil }
func (u *urlList) repeatable() bool   { return true }
func (u *urlList) secrets() []heldSecret {
	var out []heldSecret
	for _, s := range *u {
		out = append(out, paramSecrets("", redact.QuerySecrets(s))...)
	}
	return out
}

// runINSSend is `cbsim ins send`: it builds the notifications of one
// transaction from the catalog (simulator.BuildINS), delivers them to each
// URL with ClickBank's rule (simulator.INSSender), prints every attempt,
// and exits 0 when every notification was accepted, 1 otherwise.
func runINSSend(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newPlainFlags("ins send", "--url URL [--url URL2] --secret KEY [--type SALE] [--role VENDOR|AFFILIATE|both] [flags]", stderr)
	var urls urlList
	fs.Var(&urls, "url", "INS `URL` to POST to; give it twice for ClickBank's second URL (a parameter whose name holds key, token, secret or pass is a secret: never printed)")
	secret := secretFlag(fs, "secret", "the account's INS secret `KEY`: 1 to 16 upper-case letters or digits (a secret: never printed)")
	typ := fs.String("type", string(ins.Sale), "transaction type: "+typeNames())
	role := fs.String("role", "both", "whose notifications: VENDOR, AFFILIATE or both (the affiliate's only for a referred, non-test order)")
	receipt := fs.String("receipt", "", "the receipt the transaction concerns (default: drawn from the seed; BILL adds -B002)")
	payment := fs.Int("payment", 0, "BILL, TEST_BILL, INSF: the charge, 2 for the first rebill (-B002); 0 = 2")
	vendor := fs.String("vendor", "", "vendor nickname (default: the item's)")
	affiliate := fs.String("affiliate", simulator.DefaultAffiliate, "affiliate nickname; empty for a direct sale (the vendor's notification only)")
	item := fs.String("item", simulator.DefaultItem, "item number (a catalog item, or a new one with --amount)")
	amount := fs.String("amount", "", "what the customer paid, such as 100.00 (default: the catalog's price)")
	commission := fs.String("commission", "", "affiliate commission percent such as 50 (default: the catalog's)")
	tid := fs.String("tid", "", "the affiliate's TID: the AFFILIATE notification's trackingCodes")
	vtid := fs.String("vtid", "", "the vendor's tracking id: the VENDOR notification's trackingCodes")
	params := keyValues{}
	fs.Var(params, "param", "affiliate tracking parameter NAME=VALUE (repeatable; printed by 8.0)")
	ef := addEnvelopeFlags(fs)
	timeout := fs.Duration("timeout", simulator.DefaultINSTimeout, "per-attempt timeout: ClickBank waits 3s for a 2xx")
	attempts := fs.Int("attempts", ins.MaxAttempts, "attempts in all per notification and URL (ClickBank's: 5)")
	factor := fs.Float64("time-factor", 1e-4, "scales the 4h between attempts: 1e-4 waits 1.44s, 1 waits ClickBank's 4 hours")
	seed := fs.Uint64("seed", 1, "seed of the receipt and buyer; the same seed gives the same notifications")
	upsell := fs.Bool("upsell", false, "the purchase is a one-click upsell: an UPSELL line item and the upsell block (upsellOriginalReceipt, flow id, session, path)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if len(urls) == 0 {
		return usageError(fs, "--url is required: the INS URL to POST notifications to (give it twice for a second one)")
	}
	if *secret == "" {
		return secretRequired(fs)
	}
	if *attempts < 1 || *attempts > ins.MaxAttempts {
		return usageError(fs, "--attempts %d: want 1 to %d", *attempts, ins.MaxAttempts)
	}
	if *factor <= 0 || *factor > 1 {
		return usageError(fs, "--time-factor %g: want more than 0 and at most 1 (1 is ClickBank's 4 hours)", *factor)
	}
	if *timeout <= 0 {
		return usageError(fs, "--timeout must be a positive duration such as 3s, got %s", *timeout)
	}
	opts, code := ef.options(fs)
	if code >= 0 {
		return code
	}
	req := simulator.INSRequest{Type: ins.TransactionType(strings.ToUpper(*typ)), Version: opts.Version, Receipt: *receipt, Payment: *payment,
		Sale: simulator.FireRequest{Vendor: *vendor, Affiliate: *affiliate, Item: *item, TID: *tid, VTID: *vtid, Tracking: params, Seed: *seed, TIDRule: ids.TIDCurrent}}
	if *upsell {
		req.Sale.Event = simulator.UpsellPurchase
	}
	switch r := strings.ToUpper(*role); r {
	case "BOTH":
	case string(ins.Vendor), string(ins.Affiliate):
		req.Role = ins.Role(r)
	default:
		return usageError(fs, "--role %q: want VENDOR, AFFILIATE or both", *role)
	}
	if *amount != "" {
		p, err := money.Parse(*amount)
		if err != nil {
			return usageError(fs, "--amount: %v", err)
		}
		req.Sale.Price = &p
	}
	if *commission != "" {
		c, err := money.ParsePercent(*commission)
		if err != nil {
			return usageError(fs, "--commission: %v", err)
		}
		req.Sale.Commission = &c
	}
	c, _, err := simulator.LoadDefaults()
	if err != nil {
		fmt.Fprintf(stderr, "cbsim ins send: %v\n", err)
		return 1
	}
	sim := simulator.New(c, nil)
	ns, notes, err := sim.BuildINS(req)
	if err == nil {
		var mu sync.Mutex // guards stdout: deliveries to two URLs run at once
		sim.INS = &simulator.INSSender{Timeout: *timeout, Attempts: *attempts, TimeFactor: *factor, Rand: rand.Reader,
			Progress: func(d *simulator.INSDelivery, a simulator.Attempt) {
				mu.Lock()
				defer mu.Unlock()
				writeINSAttempt(stdout, d, a, *attempts)
			}}
		spacing := ""
		if *attempts > 1 {
			spacing = fmt.Sprintf(", %s apart (4h × %g)", sim.INS.Wait(), *factor)
		}
		fmt.Fprintf(stdout, "%d notification(s) × %d URL(s); up to %d attempt(s) each%s, %s timeout\n",
			len(ns), len(urls), *attempts, spacing, *timeout)
		for _, n := range notes {
			fmt.Fprintf(stderr, "note: %s\n", n)
		}
		var ds []simulator.INSDelivery
		ds, err = sim.SendINS(ctx, simulator.INSTarget{URLs: urls, Secret: *secret, Cipher: opts.Cipher, Padding: opts.Padding}, ns)
		if err == nil {
			return insVerdict(stdout, stderr, ds)
		}
	}
	if pe, ok := errors.AsType[*simulator.ParamError](err); ok {
		return usageError(fs, "%s: %v", insFlagOf(pe.Param), pe.Err)
	}
	fmt.Fprintf(stderr, "cbsim ins send: %v\n", err)
	return 2
}

// insFlagOf names the flag of a BuildINS or INSTarget parameter.
func insFlagOf(param string) string {
	switch param {
	case "price":
		return "--amount"
	case "params":
		return "--param"
	}
	return flagOf(param)
}

// attemptReply is how much of a reply an attempt's line quotes; the
// verdict of a refused notification quotes all that was kept.
const attemptReply = 120

// writeINSAttempt prints one attempt on one line.
func writeINSAttempt(w io.Writer, d *simulator.INSDelivery, a simulator.Attempt, attempts int) {
	what := fmt.Sprintf("%s %s %s → %s attempt %d/%d:", d.Type, d.Role, d.Receipt, d.URL, a.N, attempts)
	reply := fmt.Sprintf("%q", a.Body)
	if len(a.Body) > attemptReply {
		reply = fmt.Sprintf("%q… (%d bytes)", strings.ToValidUTF8(a.Body[:attemptReply], ""), len(a.Body))
	}
	switch {
	case a.Error == "":
		fmt.Fprintf(w, "%s HTTP %d accepted (%s) reply %s\n", what, a.Status, a.Latency.Round(10*time.Microsecond), reply)
	case a.Status != 0:
		fmt.Fprintf(w, "%s %s (%s) reply %s\n", what, a.Error, a.Latency.Round(10*time.Microsecond), reply)
	default:
		fmt.Fprintf(w, "%s %s\n", what, a.Error)
	}
}

// insVerdict prints the outcome of the deliveries and returns the exit
// code: 0 when every notification was accepted by every URL, else 1 with
// each refusal's last status and reply on stderr.
func insVerdict(stdout, stderr io.Writer, ds []simulator.INSDelivery) int {
	accepted := 0
	for i := range ds {
		d := &ds[i]
		if d.Delivered {
			accepted++
			continue
		}
		why := d.LastError()
		if len(d.Attempts) > 0 {
			if last := d.Attempts[len(d.Attempts)-1]; last.Status != 0 {
				why = fmt.Sprintf("%s, the receiver's reply: %q", why, last.Body)
			}
		}
		fmt.Fprintf(stderr, "cbsim ins send: the %s notification %s was not accepted by %s after %d attempt(s): %s\n",
			d.Role, d.Receipt, d.URL, len(d.Attempts), why)
	}
	fmt.Fprintf(stdout, "%d of %d notification(s) accepted\n", accepted, len(ds))
	if accepted < len(ds) {
		return 1
	}
	return 0
}

// typeNames lists the transaction types for a usage line.
func typeNames() string {
	names := make([]string, len(ins.TransactionTypes))
	for i, t := range ins.TransactionTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
