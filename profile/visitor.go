package profile

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"sync"
)

// Visitor is how one simulated visitor looks to the tracker: the address
// sent in the profile's IP header (X-Forwarded-For unless it says) and
// the User-Agent. Trackers deduplicate or filter clicks by both.
type Visitor struct {
	IP        string // "" when the profile sends no address
	UserAgent string // "" when the profile sends none (Go's default goes)
}

// UserAgents returns the realistic user agents visitors rotate through:
// current desktop and mobile browsers, none of them a bot signature.
func UserAgents() []string {
	return []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0",
	}
}

// maxRangeHosts bounds how many addresses of one range are used, so that
// an IPv6 /64 does not need big arithmetic per visitor.
const maxRangeHosts = 1 << 24

// visitors hands out visitors: the n-th gets the address at position
// (start + n·stride) mod total of the profile's ranges, stride coprime to
// total, so the first total visitors all differ, and the user agent at
// (uaStart + n) mod len. Both starts come from the seed: the same seed
// gives the same visitors in the same order.
type visitors struct {
	spec    visitorSpec
	total   uint64 // addresses over all ranges
	start   uint64
	stride  uint64
	uaStart uint64

	mu sync.Mutex // guards n
	n  uint64     // visitors handed out
}

// newVisitors prepares the visitors of spec for seed.
func newVisitors(spec visitorSpec, seed int64) *visitors {
	v := &visitors{spec: spec}
	for _, r := range spec.ranges {
		v.total += rangeHosts(r)
	}
	s := splitmix(uint64(seed))
	if v.total > 0 {
		v.start = s % v.total
		v.stride = coprimeStride(v.total, splitmix(s))
	}
	v.uaStart = splitmix(s ^ 0x9e3779b97f4a7c15)
	return v
}

// next returns the next visitor.
func (v *visitors) next() Visitor {
	v.mu.Lock()
	n := v.n
	v.n++
	v.mu.Unlock()
	var out Visitor
	if v.spec.ipHeader != "" && v.total > 0 {
		out.IP = v.addr(mulmodAdd(n, v.stride, v.start, v.total)).String()
	}
	if len(v.spec.userAgents) > 0 {
		out.UserAgent = v.spec.userAgents[(v.uaStart+n)%uint64(len(v.spec.userAgents))]
	}
	return out
}

// addr returns the i-th address over the ranges.
func (v *visitors) addr(i uint64) netip.Addr {
	for _, r := range v.spec.ranges {
		h := rangeHosts(r)
		if i < h {
			if skipsNetwork(r) {
				i++
			}
			return addTo(r.Addr(), i)
		}
		i -= h
	}
	return netip.Addr{}
}

// skipsNetwork says whether a range's first address (the network) is
// left out: IPv4 ranges of /30 or wider, and every IPv6 range.
func skipsNetwork(r netip.Prefix) bool {
	if r.Addr().Is4() {
		return r.Bits() <= 30
	}
	return r.Bits() < 128
}

// rangeHosts is how many addresses of r visitors use: IPv4 without the
// network and broadcast addresses (from /30 on), IPv6 without the
// subnet-router anycast address; at most maxRangeHosts.
func rangeHosts(r netip.Prefix) uint64 {
	bits := r.Addr().BitLen() - r.Bits()
	if bits >= 25 {
		return maxRangeHosts
	}
	n := uint64(1) << bits
	switch {
	case r.Addr().Is4() && r.Bits() <= 30:
		n -= 2
	case r.Addr().Is6() && r.Bits() < 128:
		n--
	}
	return min(n, maxRangeHosts)
}

// splitmix is SplitMix64's output function: a well-mixed number from x.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// coprimeStride returns a stride in [1, total) coprime to total, picked by
// r (1 when total is 1 or 2).
func coprimeStride(total, r uint64) uint64 {
	if total <= 2 {
		return 1
	}
	for s := r%(total-1) + 1; ; s = s%(total-1) + 1 {
		if gcd(s, total) == 1 {
			return s
		}
	}
}

// gcd is the greatest common divisor.
func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// addTo returns a + i (i stays within the address's range).
func addTo(a netip.Addr, i uint64) netip.Addr {
	if a.Is4() {
		b := a.As4()
		v := binary.BigEndian.Uint32(b[:]) + uint32(i)
		binary.BigEndian.PutUint32(b[:], v)
		return netip.AddrFrom4(b)
	}
	b := a.As16()
	lo := binary.BigEndian.Uint64(b[8:])
	sum, carry := bits.Add64(lo, i, 0)
	binary.BigEndian.PutUint64(b[8:], sum)
	binary.BigEndian.PutUint64(b[:8], binary.BigEndian.Uint64(b[:8])+carry)
	return netip.AddrFrom16(b)
}

// mulmodAdd returns (n·m + a) mod t without overflow.
func mulmodAdd(n, m, a, t uint64) uint64 {
	hi, lo := bits.Mul64(n%t, m%t)
	x := bits.Rem64(hi, lo, t)
	s, c := bits.Add64(x, a%t, 0)
	return bits.Rem64(c, s, t)
}
