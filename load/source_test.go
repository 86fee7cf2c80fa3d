package load

import (
	"strings"
	"testing"

	"github.com/cbsim/cbsim/simulator"
)

// newTestSource is a source over the default catalog and integrations.
func newTestSource(t testing.TB, mod func(*SourceConfig)) *Source {
	t.Helper()
	c, ins, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	cfg := SourceConfig{Catalog: c, Integrations: ins}
	if mod != nil {
		mod(&cfg)
	}
	s, err := NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// journeyURLs builds journeys 0..n-1 of shard sh under seed with
// synthetic click ids and returns their postbacks' URLs.
func journeyURLs(t testing.TB, s *Source, seed uint64, sh Shard, total uint64) map[string]uint64 {
	t.Helper()
	b := s.NewBuilder()
	urls := map[string]uint64{}
	for local := range sh.Journeys(total) {
		k := sh.Global(local)
		mix := Mix(seed, k)
		p := s.Plan(mix)
		tid := syntheticID(seed, simulator.RoleAffiliate, k)
		vtid := syntheticID(seed, simulator.RoleVendor, k)
		pbs, err := b.Build(mix, p, tid, vtid)
		if err != nil {
			t.Fatal(err)
		}
		for _, pb := range pbs {
			if prev, dup := urls[pb.URL]; dup {
				t.Fatalf("journeys %d and %d share the URL %s", prev, k, pb.URL)
			}
			urls[pb.URL] = k
		}
	}
	return urls
}

func TestSourceJourneys(t *testing.T) {
	s := newTestSource(t, nil)
	b := s.NewBuilder()
	mix := Mix(1, 0)
	p := s.Plan(mix)
	pbs, err := b.Build(mix, p, "aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb")
	if err != nil {
		t.Fatal(err)
	}
	if len(pbs) == 0 {
		t.Fatal("no postbacks")
	}
	if pbs[0].Event != simulator.OrderFormImpression {
		t.Errorf("first postback is %s, want the impression", pbs[0].Event)
	}
	for _, pb := range pbs {
		want := "aaaaaaaaaaaaaaaaaaaaaaaa"
		if pb.Role == simulator.RoleVendor {
			want = "bbbbbbbbbbbbbbbbbbbbbbbb"
		}
		if pb.ClickID != want || !strings.Contains(pb.URL, "clickid="+want) {
			t.Errorf("%s %s: click id %q in %s, want %s", pb.Role, pb.Event, pb.ClickID, pb.URL, want)
		}
		if !strings.Contains(pb.URL, "eventid="+pb.EventID) || pb.EventID == "" {
			t.Errorf("event id %q not in %s", pb.EventID, pb.URL)
		}
		if pb.Event != simulator.OrderFormImpression && (pb.Receipt == "" || pb.Sum <= 0 || !strings.Contains(pb.URL, "sum="+pb.Sum.String())) {
			t.Errorf("%s: receipt %q sum %s in %s", pb.Event, pb.Receipt, pb.Sum, pb.URL)
		}
	}
	// Build again: the same journey gives the same postbacks.
	again, _ := s.NewBuilder().Build(mix, p, "aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb")
	for i := range again {
		if again[i] != pbs[i] {
			t.Errorf("postback %d differs on a rebuild:\n%+v\n%+v", i, again[i], pbs[i])
		}
	}
}

func TestSourceMixAndUpsells(t *testing.T) {
	count := func(s *Source, n int) (funnels map[string]int, events map[simulator.EventType]int) {
		funnels, events = map[string]int{}, map[simulator.EventType]int{}
		b := s.NewBuilder()
		for k := range uint64(n) {
			mix := Mix(7, k)
			p := s.Plan(mix)
			funnels[s.Funnel(p)]++
			pbs, err := b.Build(mix, p, "t", "v")
			if err != nil {
				t.Fatal(err)
			}
			for _, pb := range pbs {
				events[pb.Event]++
			}
		}
		return funnels, events
	}
	mix, err := ParseFunnelMix("mix.yaml", []byte("keto: 1\nfitness-eur: 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	f, ev := count(newTestSource(t, func(c *SourceConfig) { c.Mix = mix }), 200)
	if f["keto"] != 200 {
		t.Errorf("funnels %v, want keto only", f)
	}
	// keto's defaults take both upsells; only the affiliate integration fires for ven01
	if ev[simulator.UpsellPurchase] != 400 || ev[simulator.InitialPurchase] != 200 {
		t.Errorf("events %v, want 200 purchases and 400 upsells", ev)
	}
	_, ev = count(newTestSource(t, func(c *SourceConfig) { c.Mix = mix; c.SetUpsellRate = true; c.UpsellRate = 0 }), 200)
	if ev[simulator.UpsellPurchase] != 0 {
		t.Errorf("--upsell-rate 0: %d upsells", ev[simulator.UpsellPurchase])
	}
	_, ev = count(newTestSource(t, func(c *SourceConfig) { c.Mix = mix; c.SetUpsellRate = true; c.UpsellRate = 0.5 }), 400)
	if u := ev[simulator.UpsellPurchase]; u < 300 || u > 500 {
		t.Errorf("--upsell-rate 0.5 over 800 offers: %d upsells", u)
	}
	f, _ = count(newTestSource(t, nil), 1000)
	if f["keto"] < 400 || f["fitness-eur"] < 400 {
		t.Errorf("equal weights: %v", f)
	}
}

func TestParseFunnelMix(t *testing.T) {
	m, err := ParseFunnelMix("mix.json", []byte(`{"keto": 3, "fitness-eur": 1.5}`))
	if err != nil || len(m.Entries) != 2 || m.Entries[1].Weight != 1.5 {
		t.Fatalf("got %+v, %v", m, err)
	}
	tests := []struct{ data, want string }{
		{"", "empty"},
		{"- keto\n", "mix.yaml line 1: want a map"},
		{"keto: 1\nfitness-eur: lots\n", `mix.yaml line 2: weight of "fitness-eur"`},
		{"keto: -1\n", "at or above 0"},
		{"keto: 0\n", "no funnel has a weight above 0"},
		{"keto: 1\nketo: 2\n", "line 2: funnel \"keto\" appears twice"},
		{"{keto: [1}", "mix.yaml"},
	}
	for _, tt := range tests {
		if _, err := ParseFunnelMix("mix.yaml", []byte(tt.data)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.data, err, tt.want)
		}
	}
	c, ins, _ := simulator.LoadDefaults()
	m, _ = ParseFunnelMix("mix.yaml", []byte("keto: 1\n\nslimming: 2\n"))
	_, err = NewSource(SourceConfig{Catalog: c, Integrations: ins, Mix: m})
	if err == nil || !strings.Contains(err.Error(), `mix.yaml line 3: unknown funnel "slimming" (known: fitness-eur, keto)`) {
		t.Errorf("unknown funnel: %v", err)
	}
	if _, err = NewSource(SourceConfig{Catalog: c, Integrations: ins, SetUpsellRate: true, UpsellRate: 2}); err == nil || !strings.Contains(err.Error(), "--upsell-rate") {
		t.Errorf("upsell rate 2: %v", err)
	}
}

// BenchmarkJourney is the cost of building one journey's postbacks
// (walk, macro values, URLs), default catalog and integrations.
func BenchmarkJourney(b *testing.B) {
	s := newTestSource(b, nil)
	bld := s.NewBuilder()
	var k, n uint64
	b.ReportAllocs()
	for b.Loop() {
		mix := Mix(1, k)
		k++
		pbs, err := bld.Build(mix, s.Plan(mix), "65a1f0c2e4b0a1b2c3d4e5f6", "65a1f0c2e4b0a1b2c3d4e5f7")
		if err != nil {
			b.Fatal(err)
		}
		n += uint64(len(pbs))
	}
	b.ReportMetric(float64(n)/float64(k), "postbacks/journey")
}
