package tracker

import (
	"cmp"
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Mode is a duplicate-postback mode: what the tracker does with a postback
// for a (click id, conversion type) pair that already has a conversion.
type Mode string

// The six duplicate modes of RedTrack's offer sources.
const (
	// ModeNew creates a new conversion for every postback.
	ModeNew Mode = "new"
	// ModeNewMarked creates a new conversion for every postback and marks
	// it: duplicate_status "new" for the first, "repeated" after.
	ModeNewMarked Mode = "new_marked"
	// ModeIgnore keeps the first conversion and ignores later postbacks.
	ModeIgnore Mode = "ignore"
	// ModeEdit updates the existing conversion with the later postback's
	// payout, status, currency, order, event id and parameters.
	ModeEdit Mode = "edit"
	// ModeAddPayout keeps the existing conversion and adds the later
	// postback's payout to it.
	ModeAddPayout Mode = "add_payout"
	// ModeIgnoreEventID ignores a postback whose event id (rdtk_event_id,
	// else eventid, or Config.EventIDParam) was already
	// recorded for the same click and type; a different (or missing) event
	// id creates a new conversion.
	ModeIgnoreEventID Mode = "ignore_event_id"
)

// Modes lists every duplicate mode in documentation order.
func Modes() []Mode {
	return []Mode{ModeNew, ModeNewMarked, ModeIgnore, ModeEdit, ModeAddPayout, ModeIgnoreEventID}
}

// ParseMode parses a duplicate mode name; the error lists the allowed names.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes() {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown duplicate mode %q (allowed: %s)", s, modeList())
}

func modeList() string {
	names := make([]string, 0, len(Modes()))
	for _, m := range Modes() {
		names = append(names, string(m))
	}
	return strings.Join(names, ", ")
}

// String returns the mode's name.
func (m Mode) String() string { return string(m) }

// Defaults used when the matching Config field is empty.
const (
	// DefaultType is the conversion type of a postback without a type.
	DefaultType = "InitialPurchase"
	// DefaultMode is the offer-wide duplicate mode: record every postback.
	DefaultMode = ModeNew
	// DefaultStatus is the status of a postback without a status.
	DefaultStatus = "other"
	// DefaultCurrency is the currency of a postback without a currency.
	DefaultCurrency = "USD"
	// MaxValueBytes is the longest accepted value of any postback parameter.
	MaxValueBytes = 1024
	// MaxQueryBytes is the longest accepted raw query string of a postback
	// or a click.
	MaxQueryBytes = 8 << 10
	// DefaultMaxRejections is how many refused postbacks the rejections
	// log keeps by default; each holds at most about MaxQueryBytes, so the
	// log stays under about 90 MB.
	DefaultMaxRejections = 10000
)

// MaxPostbackParams is the number of an offer source's additional postback
// parameters RedTrack reports: p_sub1 … p_sub20 (swagger.json,
// definitions/models.ConversionView).
const MaxPostbackParams = 20

// DefaultPostbackParams returns the additional parameters of RedTrack's
// ClickBank offer-source template in slot order: eventid (Event ID, p_sub1),
// zip (Zip Code, p_sub2) and order_id (the order id, p_sub3). The slot order
// is cbsim's choice; a real account reports them in the order its offer
// source lists them.
func DefaultPostbackParams() []string { return []string{"eventid", "zip", "order_id"} }

// validPostbackParams checks the slot names of Config.PostbackParams.
func validPostbackParams(names []string) error {
	if len(names) > MaxPostbackParams {
		return fmt.Errorf("%d postback parameters, at most %d (p_sub1 … p_sub%d)", len(names), MaxPostbackParams, MaxPostbackParams)
	}
	seen := map[string]bool{}
	for i, n := range names {
		switch {
		case n == "":
			return fmt.Errorf("postback parameter %d (p_sub%d) has an empty name", i+1, i+1)
		case len(n) > maxParamName:
			return fmt.Errorf("postback parameter %d (p_sub%d) is longer than %d bytes", i+1, i+1, maxParamName)
		case reservedParam(n):
			return fmt.Errorf("postback parameter %q (p_sub%d) is one of the postback's own (clickid, sum, type, status, currency, rdtk_event_id, ptoken)", n, i+1)
		case seen[n]:
			return fmt.Errorf("postback parameter %q given twice", n)
		}
		seen[n] = true
	}
	return nil
}

// DefaultConversionTypes returns the types ClickBank's Postback/Pixel feature
// sends: OrderFormImpression, InitialPurchase and UpsellPurchase, all under
// the offer-wide mode.
func DefaultConversionTypes() []ConversionType {
	return []ConversionType{{Name: "OrderFormImpression"}, {Name: "InitialPurchase"}, {Name: "UpsellPurchase"}}
}

// ConversionType is a configured conversion type. Postback types must equal
// Name exactly (case matters).
type ConversionType struct {
	Name string
	Mode Mode // duplicate mode of this type; "" means Config.DuplicateMode
}

// ParseConversionType parses "Name" or "Name:mode".
func ParseConversionType(s string) (ConversionType, error) {
	name, mode, hasMode := strings.Cut(s, ":")
	if err := validTypeName(name); err != nil {
		return ConversionType{}, fmt.Errorf("conversion type %q: %w", s, err)
	}
	ct := ConversionType{Name: name}
	if hasMode {
		m, err := ParseMode(mode)
		if err != nil {
			return ConversionType{}, fmt.Errorf("conversion type %q: %w", s, err)
		}
		ct.Mode = m
	}
	return ct, nil
}

// String returns the type in the form ParseConversionType reads.
func (c ConversionType) String() string {
	if c.Mode == "" {
		return c.Name
	}
	return c.Name + ":" + string(c.Mode)
}

func validTypeName(name string) error {
	if name == "" {
		return fmt.Errorf("empty name")
	}
	if len(name) > 100 {
		return fmt.Errorf("name longer than 100 bytes")
	}
	for _, r := range name {
		if r < 0x21 || r > 0x7e || r == ':' {
			return fmt.Errorf("name may hold printable ASCII other than ':' and space only")
		}
	}
	return nil
}

// Campaign is a tracker campaign: clicks on it redirect to OfferURL with
// every {clickid} replaced by the click id.
type Campaign struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	OfferURL string `json:"offer_url"`

	createdAt time.Time // when the store created it; zero until then
}

// ParseCampaign parses "NAME=URL" as given to the --campaign flag.
func ParseCampaign(s string) (Campaign, error) {
	name, u, ok := strings.Cut(s, "=")
	if !ok {
		return Campaign{}, fmt.Errorf("campaign %q: want NAME=URL", s)
	}
	c := Campaign{Name: name, OfferURL: u}
	if err := c.validate(); err != nil {
		return Campaign{}, fmt.Errorf("campaign %q: %w", s, err)
	}
	return c, nil
}

// Config configures a Tracker. Fields are read once by Open.
type Config struct {
	// DBPath is the SQLite database file; "" or ":memory:" keeps a private
	// in-memory database that is lost on Close.
	DBPath string
	// APIKey is required as the api_key query parameter of the reporting
	// and campaign API; "" disables the check.
	APIKey string
	// PostbackToken, when set, must be sent as the ptoken parameter of
	// every postback; "" means no token is required.
	PostbackToken string
	// INSSecret is the secret key shared with ClickBank for its Instant
	// Notifications (docs/clickbank.md §6): POST /ins decrypts with it.
	// "" turns INS off: POST /ins answers 404. ClickBank's own keys are at
	// most 16 upper-case letters or digits; any non-empty string works here.
	INSSecret string
	// ConversionTypes are the accepted postback types; nil means
	// DefaultConversionTypes.
	ConversionTypes []ConversionType
	// DefaultType is the type of a postback without one; "" means
	// DefaultType. It must be one of ConversionTypes.
	DefaultType string
	// EventIDParam is the postback parameter with the Event ID role (the
	// offer source's additional parameter, e.g. "eventid" for the ClickBank
	// template's eventid={event_id}); "" means RedTrack's own rdtk_event_id
	// or, when a postback has none, that eventid. The event id is what
	// ModeIgnoreEventID deduplicates on.
	EventIDParam string
	// DuplicateMode is the offer-wide duplicate mode for types without
	// their own; "" means DefaultMode.
	DuplicateMode Mode
	// PostbackParams are the offer source's additional postback parameters
	// by slot: the value of PostbackParams[i] is reported as the
	// conversion's p_sub{i+1}, as RedTrack reports an offer source's
	// additional parameters. At most MaxPostbackParams; nil means
	// DefaultPostbackParams. Postback parameters in no slot are reported
	// under the conversion's cbsim key, which is not RedTrack's.
	PostbackParams []string
	// Campaigns are created at Open, or their offer URL updated when a
	// campaign of that name exists.
	Campaigns []Campaign
	// MaxRejections is how many refused postbacks the rejections log keeps:
	// past it, the oldest roll off and are counted as dropped. 0 means
	// DefaultMaxRejections; it must not be negative.
	MaxRejections int
	// Server holds the limits of the HTTP server Serve runs; a zero field
	// takes its default (see ServerLimits).
	Server ServerLimits
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives request logs (with the api key, the postback token,
	// the INS secret and the value of any api_key or ptoken parameter
	// masked as ***); nil
	// discards them.
	Logger *slog.Logger
}

// ServerLimits are the timeouts and size limits of the tracker's HTTP
// server. A zero field means its Default…; a negative one is an error.
type ServerLimits struct {
	// ReadHeaderTimeout bounds reading a request's headers
	// (DefaultReadHeaderTimeout).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included
	// (DefaultReadTimeout): a body that trickles in is cut off.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of a request's headers to
	// the end of its reply (DefaultWriteTimeout).
	WriteTimeout time.Duration
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request (DefaultIdleTimeout).
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's line and headers
	// (DefaultMaxHeaderBytes); past it the reply is 431.
	MaxHeaderBytes int
	// MaxBodyBytes bounds a request's body (DefaultMaxBodyBytes); past it
	// the reply is 400 and the connection is closed.
	MaxBodyBytes int64
	// MaxConns bounds the connections open at once (DefaultMaxConns); more
	// wait in the listen backlog until one closes.
	MaxConns int
}

// Defaults of ServerLimits.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second // a page of 10,000 rows is tens of MB
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxBodyBytes      = 64 << 10 // campaign bodies are a few hundred bytes
	DefaultMaxConns          = 1024
)

// withDefaults fills in the zero fields of l and refuses negative ones.
func (l ServerLimits) withDefaults() (ServerLimits, error) {
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"read header timeout", &l.ReadHeaderTimeout, DefaultReadHeaderTimeout},
		{"read timeout", &l.ReadTimeout, DefaultReadTimeout},
		{"write timeout", &l.WriteTimeout, DefaultWriteTimeout},
		{"idle timeout", &l.IdleTimeout, DefaultIdleTimeout},
	} {
		if *d.v < 0 {
			return l, fmt.Errorf("%s %s is negative (0 means %s)", d.name, *d.v, d.def)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	switch {
	case l.MaxHeaderBytes < 0:
		return l, fmt.Errorf("max header bytes %d is negative (0 means %d)", l.MaxHeaderBytes, DefaultMaxHeaderBytes)
	case l.MaxBodyBytes < 0:
		return l, fmt.Errorf("max body bytes %d is negative (0 means %d)", l.MaxBodyBytes, DefaultMaxBodyBytes)
	case l.MaxConns < 0:
		return l, fmt.Errorf("max connections %d is negative (0 means %d)", l.MaxConns, DefaultMaxConns)
	}
	l.MaxHeaderBytes = cmp.Or(l.MaxHeaderBytes, DefaultMaxHeaderBytes)
	l.MaxBodyBytes = cmp.Or(l.MaxBodyBytes, DefaultMaxBodyBytes)
	l.MaxConns = cmp.Or(l.MaxConns, DefaultMaxConns)
	return l, nil
}

// withDefaults fills the empty fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.DBPath == "" {
		c.DBPath = ":memory:"
	}
	if c.ConversionTypes == nil {
		c.ConversionTypes = DefaultConversionTypes()
	}
	if len(c.ConversionTypes) == 0 {
		return c, fmt.Errorf("no conversion types configured")
	}
	if c.DefaultType == "" {
		c.DefaultType = DefaultType
		if !c.hasType(DefaultType) {
			c.DefaultType = c.ConversionTypes[0].Name
		}
	}
	if c.DuplicateMode == "" {
		c.DuplicateMode = DefaultMode
	}
	if _, err := ParseMode(string(c.DuplicateMode)); err != nil {
		return c, err
	}
	seen := map[string]bool{}
	for _, ct := range c.ConversionTypes {
		if err := validTypeName(ct.Name); err != nil {
			return c, fmt.Errorf("conversion type %q: %w", ct.Name, err)
		}
		if seen[ct.Name] {
			return c, fmt.Errorf("conversion type %q configured twice", ct.Name)
		}
		seen[ct.Name] = true
		if ct.Mode != "" {
			if _, err := ParseMode(string(ct.Mode)); err != nil {
				return c, fmt.Errorf("conversion type %q: %w", ct.Name, err)
			}
		}
	}
	if !c.hasType(c.DefaultType) {
		return c, fmt.Errorf("default type %q is not a configured conversion type", c.DefaultType)
	}
	if c.PostbackParams == nil {
		c.PostbackParams = DefaultPostbackParams()
	}
	if err := validPostbackParams(c.PostbackParams); err != nil {
		return c, err
	}
	for _, cp := range c.Campaigns {
		if err := cp.validate(); err != nil {
			return c, fmt.Errorf("campaign %q: %w", cp.Name, err)
		}
	}
	var err error
	if c.Server, err = c.Server.withDefaults(); err != nil {
		return c, err
	}
	if c.MaxRejections < 0 {
		return c, fmt.Errorf("max rejections %d is negative (0 means %d)", c.MaxRejections, DefaultMaxRejections)
	}
	if c.MaxRejections == 0 {
		c.MaxRejections = DefaultMaxRejections
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

func (c Config) hasType(name string) bool {
	for _, ct := range c.ConversionTypes {
		if ct.Name == name {
			return true
		}
	}
	return false
}

// modes maps each configured type to its effective duplicate mode.
func (c Config) modes() map[string]Mode {
	m := make(map[string]Mode, len(c.ConversionTypes))
	for _, ct := range c.ConversionTypes {
		m[ct.Name] = ct.Mode
		if ct.Mode == "" {
			m[ct.Name] = c.DuplicateMode
		}
	}
	return m
}

func (c Config) typeNames() string {
	names := make([]string, 0, len(c.ConversionTypes))
	for _, ct := range c.ConversionTypes {
		names = append(names, ct.Name)
	}
	return strings.Join(names, ", ")
}
