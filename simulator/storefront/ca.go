package storefront

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"sync"
	"time"
)

// CAValidity is how long a CA made by NewCA stays valid after its start
// time; it starts an hour before the time given to NewCA, so a client whose
// clock is a little behind still accepts it. [choice]
const CAValidity = 30 * 24 * time.Hour

// caCommonName names the CA so that whoever finds it in a trust store knows
// what it is and that it must not stay there.
const caCommonName = "cbsim ClickBank CA (test only)"

// maxLeaves bounds the cache of leaf certificates: AFF.VEN.hop.clickbank.net
// names are unbounded, and a client must not make cbsim grow without end.
const maxLeaves = 1024

// CA is a certificate authority cbsim makes when it starts, so that a client
// using cbsim as its HTTP proxy can open https://hop.clickbank.net/… and get
// an answer from cbsim instead of ClickBank. Its certificate carries critical
// name constraints: it can vouch for clickbank.net and its subdomains only,
// never for an IP address or any other name, so trusting it in a test client
// exposes nothing else. Its private key never leaves the process.
type CA struct {
	cert *x509.Certificate // the CA certificate, parsed
	der  []byte            // cert in DER, the chain sent after each leaf
	key  *ecdsa.PrivateKey // signs leaves; never exported

	mu     sync.Mutex                  // guards leaves
	leaves map[string]*tls.Certificate // host (lower case) -> its leaf, made on demand
}

// NewCA makes a self-signed ECDSA P-256 CA valid from an hour before now for
// CAValidity, limited by critical name constraints to clickbank.net and its
// subdomains (and excluding every IP address). Pass the real time: TLS
// clients check certificates against their own clock, not the simulator's.
func NewCA(now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ca key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	_, allV4, _ := net.ParseCIDR("0.0.0.0/0")
	_, allV6, _ := net.ParseCIDR("::/0")
	tmpl := &x509.Certificate{
		SerialNumber:                serial,
		Subject:                     pkix.Name{CommonName: caCommonName, Organization: []string{"cbsim"}},
		NotBefore:                   now.Add(-time.Hour),
		NotAfter:                    now.Add(-time.Hour).Add(CAValidity),
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid:       true,
		IsCA:                        true,
		MaxPathLen:                  0,
		MaxPathLenZero:              true, // it signs leaves only, never another CA
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         []string{"clickbank.net"},
		ExcludedIPRanges:            []*net.IPNet{allV4, allV6},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("ca certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("ca certificate: %w", err)
	}
	return &CA{cert: cert, der: der, key: key, leaves: make(map[string]*tls.Certificate)}, nil
}

// CertPEM returns the CA certificate in PEM, the one a client must trust
// (cbsim serves it at /ca.pem). It never contains the private key.
func (c *CA) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.der})
}

// Pool returns a new certificate pool holding only the CA certificate, for a
// Go client's tls.Config.RootCAs.
func (c *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.cert)
	return p
}

// leaf returns the certificate for host (a ClickBank host name, see
// IsClickBankHost), made and signed on first use and cached after. Its
// validity is the CA's.
func (c *CA) leaf(host string) (*tls.Certificate, error) {
	name, ok := clickBankName(host)
	if !ok {
		return nil, fmt.Errorf("no certificate for %q: the cbsim CA vouches only for clickbank.net and its subdomains", host)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.leaves[name]; ok {
		return l, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("leaf key %s: %w", name, err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     []string{name},
		NotBefore:    c.cert.NotBefore,
		NotAfter:     c.cert.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	if err != nil {
		return nil, fmt.Errorf("leaf certificate %s: %w", name, err)
	}
	parsed, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("leaf certificate %s: %w", name, err)
	}
	l := &tls.Certificate{Certificate: [][]byte{der, c.der}, PrivateKey: key, Leaf: parsed}
	if len(c.leaves) >= maxLeaves {
		clear(c.leaves)
	}
	c.leaves[name] = l
	return l, nil
}

// randomSerial draws a positive 128-bit serial number.
func randomSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("serial number: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}
