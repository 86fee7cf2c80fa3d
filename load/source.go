package load

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
	"go.yaml.in/yaml/v3"
)

// Postback is one request a journey sends: one event to one integration.
type Postback struct {
	Event   simulator.EventType
	Role    simulator.Role
	URL     string      // the integration's template expanded for the event
	ClickID string      // {tid} for an affiliate postback, {vtid} for a vendor one
	EventID string      // {event_id}
	Receipt string      // {receipt_id}; "" for an impression
	Sum     money.Cents // {affiliate_earnings} or {vendor_earnings}
}

// MixEntry is one funnel's weight in a funnel mix, with the line it was
// read from.
type MixEntry struct {
	Funnel string
	Weight float64
	Line   int
}

// FunnelMix says how often each funnel is walked: a journey picks a funnel
// with probability weight / total. File names where it was read.
type FunnelMix struct {
	File    string
	Entries []MixEntry
}

// ParseFunnelMix reads a --funnel-mix file: a JSON object or YAML mapping
// of funnel name to weight, like {"keto": 3, "fitness-eur": 1}. Weights
// are numbers at or above 0, at least one above 0. Funnel names are
// checked against the catalog by NewSource.
func ParseFunnelMix(file string, data []byte) (FunnelMix, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return FunnelMix{}, fmt.Errorf("funnel mix %s: %w", file, err)
	}
	m := FunnelMix{File: file}
	if len(doc.Content) == 0 {
		return m, fmt.Errorf("funnel mix %s: empty; want a map of funnel to weight, like {\"keto\": 3}", file)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return m, fmt.Errorf("funnel mix %s line %d: want a map of funnel to weight, like {\"keto\": 3}", file, root.Line)
	}
	var total float64
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var w float64
		if v.Kind != yaml.ScalarNode || v.Decode(&w) != nil || w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			return m, fmt.Errorf("funnel mix %s line %d: weight of %q must be a number at or above 0", file, v.Line, k.Value)
		}
		if slices.ContainsFunc(m.Entries, func(e MixEntry) bool { return e.Funnel == k.Value }) {
			return m, fmt.Errorf("funnel mix %s line %d: funnel %q appears twice", file, k.Line, k.Value)
		}
		m.Entries = append(m.Entries, MixEntry{Funnel: k.Value, Weight: w, Line: k.Line})
		total += w
	}
	if total <= 0 {
		return m, fmt.Errorf("funnel mix %s: no funnel has a weight above 0", file)
	}
	return m, nil
}

// SourceConfig says what journeys a Source builds.
type SourceConfig struct {
	Catalog      *simulator.Catalog
	Integrations []simulator.Integration // where postbacks go; usually one affiliate and one vendor integration
	Mix          FunnelMix               // empty: every funnel of the catalog, equal weights
	// Affiliate is the affiliate of every journey; "" takes the account
	// of the first affiliate integration, else simulator.DefaultAffiliate.
	Affiliate string
	// UpsellRate is the probability that a buyer takes each upsell, used
	// when SetUpsellRate is true (--upsell-rate); otherwise the funnel's
	// own answers apply.
	UpsellRate    float64
	SetUpsellRate bool
	// Carrier is the ClickBank hoplink parameter that carries the
	// affiliate's click id (Integrations' carrier): "" or "tid" puts it in
	// the TID; another (extclid …) in that tracking parameter, for a
	// tracker whose click ids ClickBank's TID rule drops.
	Carrier string
	Start   time.Time // when every journey begins; zero: simulator.DefaultTime
}

// Source turns journey numbers into the postbacks they send. It is
// read-only once made and shared by the workers; each worker builds with
// its own Builder.
type Source struct {
	cfg     SourceConfig
	funnels []funnelPlan
	total   float64
}

// funnelPlan is one funnel of the mix, prepared.
type funnelPlan struct {
	name      string
	cum       float64 // cumulative weight up to and including this funnel
	upsells   int
	affiliate bool // an affiliate integration fires for it: journeys need a tid
	vendor    bool // a vendor integration fires for it: journeys need a vtid
}

// NewSource checks cfg against its catalog and prepares the funnel mix.
func NewSource(cfg SourceConfig) (*Source, error) {
	if cfg.Catalog == nil {
		return nil, errors.New("load source: no catalog")
	}
	if len(cfg.Integrations) == 0 {
		return nil, errors.New("load source: no integrations")
	}
	if cfg.SetUpsellRate && (cfg.UpsellRate < 0 || cfg.UpsellRate > 1 || math.IsNaN(cfg.UpsellRate)) {
		return nil, fmt.Errorf("--upsell-rate %v: must be a probability between 0 and 1", cfg.UpsellRate)
	}
	if cfg.Start.IsZero() {
		cfg.Start = simulator.DefaultTime
	}
	if cfg.Affiliate == "" {
		cfg.Affiliate = simulator.DefaultAffiliate
		for _, in := range cfg.Integrations {
			if in.Role == simulator.RoleAffiliate && in.Account != "" {
				cfg.Affiliate = in.Account
				break
			}
		}
	}
	if _, ok := cfg.Catalog.Affiliates[cfg.Affiliate]; !ok {
		return nil, fmt.Errorf("load source: unknown affiliate %q (known: %s)", cfg.Affiliate, strings.Join(sortedKeys(cfg.Catalog.Affiliates), ", "))
	}
	entries := cfg.Mix.Entries
	if len(entries) == 0 {
		for _, name := range cfg.Catalog.FunnelNames() {
			entries = append(entries, MixEntry{Funnel: name, Weight: 1})
		}
	}
	s := &Source{cfg: cfg}
	for _, e := range entries {
		f, ok := cfg.Catalog.Funnels[e.Funnel]
		if !ok {
			return nil, fmt.Errorf("funnel mix %s line %d: unknown funnel %q (known: %s)", cfg.Mix.File, e.Line, e.Funnel, strings.Join(cfg.Catalog.FunnelNames(), ", "))
		}
		if e.Weight <= 0 {
			continue
		}
		s.total += e.Weight
		p := funnelPlan{name: e.Funnel, cum: s.total, upsells: len(f.Upsells)}
		for _, in := range cfg.Integrations {
			if !in.Active {
				continue
			}
			switch {
			case in.Role == simulator.RoleAffiliate && (in.Account == "" || in.Account == cfg.Affiliate):
				p.affiliate = true
			case in.Role == simulator.RoleVendor && (in.Account == "" || in.Account == f.Vendor):
				p.vendor = true
			}
		}
		s.funnels = append(s.funnels, p)
	}
	if len(s.funnels) == 0 {
		return nil, errors.New("load source: no funnel to walk")
	}
	return s, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Plan is what a journey needs before it is built: its funnel and the
// click ids it must have.
type Plan struct {
	funnel    int
	Affiliate bool // the journey needs a tid: an affiliate integration fires
	Vendor    bool // the journey needs a vtid: a vendor integration fires
}

// Plan picks journey mix's funnel by weight.
func (s *Source) Plan(mix uint64) Plan {
	x := float64(splitmix64(mix^0x5851f42d4c957f2d)>>11) / (1 << 53) * s.total
	i, _ := slices.BinarySearchFunc(s.funnels, x, func(p funnelPlan, x float64) int {
		if p.cum <= x {
			return -1
		}
		return 1
	})
	if i >= len(s.funnels) {
		i = len(s.funnels) - 1
	}
	f := s.funnels[i]
	return Plan{funnel: i, Affiliate: f.affiliate, Vendor: f.vendor}
}

// Funnel names the plan's funnel.
func (s *Source) Funnel(p Plan) string { return s.funnels[p.funnel].name }

// Builder builds journeys for one worker, reusing its buffers. Not safe
// for concurrent use.
type Builder struct {
	s      *Source
	pcg    *rand.PCG
	r      *rand.Rand
	accept []bool
	out    []Postback
	urls   []byte // the journey's URLs, one after another
	ends   []int  // where each postback's URL ends in urls
}

// NewBuilder returns a Builder of s's journeys.
func (s *Source) NewBuilder() *Builder {
	pcg := rand.NewPCG(0, 0)
	return &Builder{s: s, pcg: pcg, r: rand.New(pcg)}
}

// Build walks journey mix's funnel with the click ids it was given (tid
// for the affiliate, vtid for the vendor) and returns its postbacks in
// the order ClickBank would send them: each event in funnel order, and for
// each the integrations in their order; integrations that do not fire are
// skipped. The slice is reused by the next Build; its strings are not.
func (b *Builder) Build(mix uint64, p Plan, tid, vtid string) ([]Postback, error) {
	s := b.s
	f := s.funnels[p.funnel]
	b.pcg.Seed(mix, mix^0x9e3779b97f4a7c15)
	j := simulator.Journey{Funnel: f.name, Affiliate: s.cfg.Affiliate, TID: tid, VTID: vtid}
	if c := s.cfg.Carrier; c != "" && c != "tid" && tid != "" {
		j.TID, j.Tracking = "", map[string]string{c: tid}
	}
	if s.cfg.SetUpsellRate {
		b.accept = b.accept[:0]
		for range f.upsells {
			b.accept = append(b.accept, b.r.Float64() < s.cfg.UpsellRate)
		}
		j.Accept = b.accept
	}
	w, err := s.cfg.Catalog.Walk(j, b.r, s.cfg.Start)
	if err != nil {
		return nil, fmt.Errorf("walk funnel %s: %w", f.name, err)
	}
	// Every URL of the journey is appended to one buffer and becomes one
	// string, sliced per postback: one allocation per journey, not one
	// per postback. simulator.AppendURL gives Build's URL byte for byte
	// (simulator's TestAppendURLMatchesBuild) without the Delivery and
	// its notes, which a load run never reads.
	b.out = b.out[:0]
	b.urls = b.urls[:0]
	b.ends = b.ends[:0]
	for i := range w.Events {
		ev := &w.Events[i]
		for _, in := range s.cfg.Integrations {
			var ok bool
			if b.urls, ok = simulator.AppendURL(b.urls, ev, in); !ok {
				continue
			}
			b.ends = append(b.ends, len(b.urls))
			pb := Postback{Event: ev.Type, Role: in.Role, EventID: ev.ID, Receipt: ev.Receipt}
			if in.Role == simulator.RoleVendor {
				pb.ClickID, pb.Sum = ev.VTID, ev.Split.Vendor
			} else {
				pb.ClickID, pb.Sum = tid, ev.Split.Affiliate
			}
			b.out = append(b.out, pb)
		}
	}
	all := string(b.urls)
	start := 0
	for i, end := range b.ends {
		b.out[i].URL = all[start:end]
		start = end
	}
	return b.out, nil
}
