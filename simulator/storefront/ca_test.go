package storefront

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

var caNow = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

func newTestCA(t *testing.T) *CA {
	t.Helper()
	ca, err := NewCA(caNow)
	if err != nil {
		t.Fatalf("NewCA: %v", err)
	}
	return ca
}

func TestNewCA(t *testing.T) {
	ca := newTestCA(t)
	c := ca.cert
	checks := []struct {
		what string
		ok   bool
	}{
		{"is a CA", c.IsCA && c.BasicConstraintsValid},
		{"signs no intermediate CA", c.MaxPathLen == 0 && c.MaxPathLenZero},
		{"common name", c.Subject.CommonName == "cbsim ClickBank CA (test only)"},
		{"self-signed", c.CheckSignatureFrom(c) == nil},
		{"ECDSA P-256", c.PublicKeyAlgorithm == x509.ECDSA && c.PublicKey.(*ecdsa.PublicKey).Curve == elliptic.P256()},
		{"name constraints critical", c.PermittedDNSDomainsCritical},
		{"permits clickbank.net only", len(c.PermittedDNSDomains) == 1 && c.PermittedDNSDomains[0] == "clickbank.net"},
		{"excludes every IP", len(c.ExcludedIPRanges) == 2},
		{"starts an hour early", c.NotBefore.Equal(caNow.Add(-time.Hour))},
		{"lasts 30 days", c.NotAfter.Sub(c.NotBefore) == 30*24*time.Hour},
		{"signs certificates", c.KeyUsage&x509.KeyUsageCertSign != 0},
		{"positive serial", c.SerialNumber.Sign() > 0},
	}
	for _, ch := range checks {
		if !ch.ok {
			t.Errorf("CA certificate: want %s", ch.what)
		}
	}
	other := newTestCA(t)
	if other.cert.SerialNumber.Cmp(c.SerialNumber) == 0 {
		t.Errorf("two CAs share serial %v: want random serials", c.SerialNumber)
	}
}

func TestCACertPEM(t *testing.T) {
	ca := newTestCA(t)
	out := ca.CertPEM()
	if strings.Contains(string(out), "PRIVATE") {
		t.Fatalf("CertPEM holds a private key:\n%s", out)
	}
	block, rest := pem.Decode(out)
	if block == nil || block.Type != "CERTIFICATE" || len(strings.TrimSpace(string(rest))) != 0 {
		t.Fatalf("CertPEM = %q: want exactly one CERTIFICATE block", out)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatalf("parse CertPEM: %v", err)
	}
	if !cert.Equal(ca.cert) {
		t.Errorf("CertPEM is not the CA certificate")
	}
}

func TestCALeaf(t *testing.T) {
	ca := newTestCA(t)
	for _, host := range []string{"hop.clickbank.net", "aff01.ven01.hop.clickbank.net", "ven01.pay.clickbank.net", "clickbank.net"} {
		t.Run(host, func(t *testing.T) {
			l, err := ca.leaf(host)
			if err != nil {
				t.Fatalf("leaf(%q): %v", host, err)
			}
			c := l.Leaf
			inter := x509.NewCertPool()
			_, err = c.Verify(x509.VerifyOptions{
				DNSName: host, Roots: ca.Pool(), Intermediates: inter, CurrentTime: caNow,
				KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			})
			if err != nil {
				t.Errorf("leaf for %s does not verify against the CA: %v", host, err)
			}
			if len(c.DNSNames) != 1 || c.DNSNames[0] != host {
				t.Errorf("leaf SAN = %v, want [%s]", c.DNSNames, host)
			}
			if c.IsCA {
				t.Errorf("leaf is a CA")
			}
			if c.NotBefore.Before(ca.cert.NotBefore) || c.NotAfter.After(ca.cert.NotAfter) {
				t.Errorf("leaf valid %v..%v, outside the CA's %v..%v", c.NotBefore, c.NotAfter, ca.cert.NotBefore, ca.cert.NotAfter)
			}
			if len(l.Certificate) != 2 {
				t.Errorf("leaf chain has %d certificates, want leaf and CA", len(l.Certificate))
			}
			again, err := ca.leaf(strings.ToUpper(host) + ":443")
			if err != nil || again != l {
				t.Errorf("second leaf(%q) = %p, %v: want the cached %p", host, again, err, l)
			}
		})
	}
}

func TestCALeafRefusesOtherHosts(t *testing.T) {
	ca := newTestCA(t)
	for _, host := range []string{"evil.com", "example.com", "clickbank.net.evil.com", "127.0.0.1", "", "hop..clickbank.net"} {
		if l, err := ca.leaf(host); err == nil || l != nil {
			t.Errorf("leaf(%q) = %v, %v: want an error", host, l, err)
		} else if !strings.Contains(err.Error(), "clickbank.net") {
			t.Errorf("leaf(%q) error %q does not say what the CA vouches for", host, err)
		}
	}
}

// TestCANameConstraints signs leaves with the CA's key directly, past the
// leaf method's own check: x509 verification must still refuse every name
// outside clickbank.net, so the CA cannot be abused even by its holder.
func TestCANameConstraints(t *testing.T) {
	ca := newTestCA(t)
	cases := []struct {
		name   string
		dns    string
		ip     net.IP
		verify string // the DNSName or IP to verify for
		ok     bool
	}{
		{"clickbank host verifies", "hop.clickbank.net", nil, "hop.clickbank.net", true},
		{"example.com", "example.com", nil, "example.com", false},
		{"evil.com", "evil.com", nil, "evil.com", false},
		{"suffix trick", "clickbank.net.evil.com", nil, "clickbank.net.evil.com", false},
		{"lookalike", "evilclickbank.net", nil, "evilclickbank.net", false},
		{"IP address", "", net.ParseIP("127.0.0.1"), "127.0.0.1", false},
		{"IPv6 address", "", net.ParseIP("::1"), "::1", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			tmpl := &x509.Certificate{
				SerialNumber: big.NewInt(7),
				Subject:      pkix.Name{CommonName: tc.verify},
				NotBefore:    caNow.Add(-time.Minute),
				NotAfter:     caNow.Add(time.Hour),
				KeyUsage:     x509.KeyUsageDigitalSignature,
				ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			}
			if tc.dns != "" {
				tmpl.DNSNames = []string{tc.dns}
			}
			if tc.ip != nil {
				tmpl.IPAddresses = []net.IP{tc.ip}
			}
			der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
			if err != nil {
				t.Fatal(err)
			}
			leaf, err := x509.ParseCertificate(der)
			if err != nil {
				t.Fatal(err)
			}
			_, err = leaf.Verify(x509.VerifyOptions{DNSName: tc.verify, Roots: ca.Pool(), CurrentTime: caNow})
			if tc.ok {
				if err != nil {
					t.Fatalf("verify %s: %v", tc.verify, err)
				}
				return
			}
			var inv x509.CertificateInvalidError
			if !errors.As(err, &inv) || inv.Reason != x509.CANotAuthorizedForThisName {
				t.Fatalf("verify %s = %v: want CANotAuthorizedForThisName", tc.verify, err)
			}
		})
	}
}

func TestIsClickBankHost(t *testing.T) {
	cases := []struct {
		host string
		want bool
	}{
		{"hop.clickbank.net", true},
		{"HOP.ClickBank.NET", true},
		{"hop.clickbank.net:443", true},
		{"hop.clickbank.net:80", true},
		{"clickbank.net", true},
		{"aff01.ven01.hop.clickbank.net", true},
		{"ven01.pay.clickbank.net", true},
		{"x-1.clickbank.net", true},
		{strings.Repeat("a", 63) + ".clickbank.net", true},
		{"", false},
		{"clickbank.com", false},
		{"evilclickbank.net", false},
		{"clickbank.net.evil.com", false},
		{"hop.clickbank.net.", false},
		{".clickbank.net", false},
		{"hop..clickbank.net", false},
		{"-hop.clickbank.net", false},
		{"hop-.clickbank.net", false},
		{"h_p.clickbank.net", false},
		{"h p.clickbank.net", false},
		{"hop.clickbank.net/x", false},
		{strings.Repeat("a", 64) + ".clickbank.net", false},
		{strings.Repeat("a.", 121) + "clickbank.net", false},
		{strings.Repeat("a.", 120) + "clickbank.net", true},
		{"[::1]:443", false},
		{"127.0.0.1", false},
		{"hop.clickbank.net:443:1", false},
	}
	for _, tc := range cases {
		if got := IsClickBankHost(tc.host); got != tc.want {
			t.Errorf("IsClickBankHost(%q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}
