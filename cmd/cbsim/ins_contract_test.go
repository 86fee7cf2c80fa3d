package main

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/redtrack"
	"github.com/cbsim/cbsim/simulator/ins"
	"github.com/cbsim/cbsim/tracker"
)

// TestINSSimulatorToTracker is the INS contract between cbsim's two
// independent implementations, which share no code (DESIGN.md): the
// simulator's notifications (ins.Build, sealed by ins.Encode) reach the
// reference tracker's POST /ins over HTTP and land, per version, as the
// tracker documents: each role's SALE on the click its tracking code names
// with its own share, a retry not counted again, a rebill beside it, and a
// refund declining both roles' sale.
func TestINSSimulatorToTracker(t *testing.T) {
	const secret = "CONTRACT2026"
	for _, version := range ins.Versions {
		t.Run(version, func(t *testing.T) {
			srv, err := tracker.NewServer(tracker.Config{APIKey: "k", INSSecret: secret,
				Campaigns: []tracker.Campaign{{Name: "camp", OfferURL: "http://127.0.0.1:1/offer?tid={clickid}"}}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)
			ctx := context.Background()
			rt := &redtrack.Client{BaseURL: srv.URL, APIKey: "k", HTTPClient: srv.Client()}
			tid, err := rt.Click(ctx, "camp", nil)
			if err != nil {
				t.Fatal(err)
			}
			vtid, err := rt.Click(ctx, "camp", nil)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.NewChaCha8([32]byte{7})
			order := ins.Order{Version: version, Time: time.Date(2026, 1, 15, 20, 0, 0, 0, time.UTC), Receipt: "CNTR0001",
				Vendor: "ven01", Affiliate: "aff01", TID: tid, VTID: vtid,
				Items: []ins.Item{{No: "sku-1", Title: "Guide", Price: 10000, Commission: 5000, Plan: &ins.Plan{Rebill: 10000}}}}
			// sent is each notification's totalAccountAmount by
			// "TYPE RECEIPT CLICK": what the tracker must report as payout.
			sent := map[string]int64{}
			send := func(typ ins.TransactionType, payment, attempt int, want string) {
				t.Helper()
				o := order
				o.Type, o.Payment, o.Attempt = typ, payment, attempt
				ns, err := ins.Build(o)
				if err != nil {
					t.Fatal(err)
				}
				if len(ns) != 2 {
					t.Fatalf("%s: %d notifications, want the vendor's and the affiliate's", typ, len(ns))
				}
				for _, n := range ns {
					plain, err := n.Marshal()
					if err != nil {
						t.Fatal(err)
					}
					env, err := ins.Encode(plain, secret, ins.Options{Version: version, Rand: rng})
					if err != nil {
						t.Fatal(err)
					}
					resp, err := srv.Client().Post(srv.URL+"/ins", "application/json", strings.NewReader(string(env)))
					if err != nil {
						t.Fatal(err)
					}
					var reply struct{ Action, Error string }
					err = json.NewDecoder(resp.Body).Decode(&reply)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK || reply.Action != want {
						t.Fatalf("%s %s attempt %d: %d %+v %v, want 200 %s", typ, n.Role, attempt, resp.StatusCode, reply, err, want)
					}
					click := tid
					if n.Role == ins.Vendor {
						click = vtid
					}
					sent[string(typ)+" "+n.Receipt+" "+click] = int64(n.TotalAccountAmount)
				}
			}
			send(ins.Sale, 0, 1, "created")
			send(ins.Sale, 0, 2, "ignored")
			send(ins.Bill, 2, 1, "created")
			send(ins.Refund, 0, 1, "reversed")
			if rej, err := rt.Rejections(ctx); err != nil || len(rej) != 0 {
				t.Fatalf("rejections %+v, %v", rej, err)
			}

			convs, err := rt.Conversions(ctx, redtrack.Query{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]redtrack.Conversion{}
			for _, c := range convs {
				got[c.Type+" "+c.Order+" "+c.ClickID] = c
			}
			if len(convs) != 4 {
				t.Fatalf("%d conversions, want 4 (SALE and BILL of each role): %v", len(convs), got)
			}
			for _, want := range []struct{ key, status string }{
				{"SALE CNTR0001 " + tid, "declined"},
				{"SALE CNTR0001 " + vtid, "declined"},
				{"BILL CNTR0001-B002 " + tid, "approved"},
				{"BILL CNTR0001-B002 " + vtid, "approved"},
			} {
				c, ok := got[tracker.INSTypePrefix+want.key]
				if !ok {
					t.Errorf("no conversion %s in %v", want.key, got)
					continue
				}
				if c.Status != want.status || c.PayoutCents() != sent[want.key] || sent[want.key] <= 0 {
					t.Errorf("%s: status %s payout %d, want %s and the notification's totalAccountAmount %d", want.key, c.Status, c.PayoutCents(), want.status, sent[want.key])
				}
				if reversed := c.CBSim != nil && c.CBSim.Reversal != nil; reversed != (want.status == "declined") {
					t.Errorf("%s: reversal %+v", want.key, c.CBSim)
				} else if refund := sent["RFND CNTR0001 "+c.ClickID]; reversed && (c.CBSim.Reversal.Type != "RFND" || int64(math.Round(c.CBSim.Reversal.Amount*100)) != refund || refund >= 0) {
					t.Errorf("%s: reversal %+v, want RFND and the refund's totalAccountAmount %d cents", want.key, *c.CBSim.Reversal, refund)
				}
			}

			// The receiver bug of docs/clickbank.md §6 the simulator makes on
			// purpose: an AES-128 envelope does not open with the real key.
			test, err := ins.Order{Type: ins.Test, Version: version, Time: order.Time, Vendor: "ven01", Items: order.Items}.For(ins.Vendor)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := test.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				cipher ins.Cipher
				status int
			}{{ins.AES256CBC, http.StatusOK}, {ins.AES128CBC, http.StatusBadRequest}} {
				env, err := ins.Encode(plain, secret, ins.Options{Version: version, Cipher: c.cipher, Rand: rng})
				if err != nil {
					t.Fatal(err)
				}
				resp, err := srv.Client().Post(srv.URL+"/ins", "application/json", strings.NewReader(string(env)))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != c.status {
					t.Errorf("TEST sealed with %s: %d, want %d", c.cipher, resp.StatusCode, c.status)
				}
			}
		})
	}
}
