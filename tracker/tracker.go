package tracker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Tracker is an open reference tracker: a store and the HTTP handler over it.
type Tracker struct {
	cfg     Config
	modes   map[string]Mode // effective duplicate mode per conversion type
	store   *store
	log     *slog.Logger
	handler http.Handler
}

// Open opens the store named by cfg.DBPath (running its migrations), creates
// or updates cfg.Campaigns and returns the tracker. Close releases it. An
// invalid cfg is an error whose ErrorCode is EInvalid.
func Open(cfg Config) (*Tracker, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("open tracker: %w", &Error{Code: EInvalid, Message: err.Error()})
	}
	ctx := context.Background()
	st, err := openStore(ctx, cfg.DBPath, cfg.Now)
	if err != nil {
		return nil, fmt.Errorf("open tracker: %w", err)
	}
	// The log never shows the api key, the postback token or the INS
	// secret (mask.go).
	log := slog.New(maskSecrets(cfg.Logger.Handler(), cfg.APIKey, cfg.PostbackToken, cfg.INSSecret))
	t := &Tracker{cfg: cfg, modes: cfg.modes(), store: st, log: log}
	if err := st.setMaxRejections(ctx, cfg.MaxRejections); err != nil {
		st.close()
		return nil, fmt.Errorf("open tracker: %w", err)
	}
	for _, c := range cfg.Campaigns {
		if _, err := st.putCampaign(ctx, c); err != nil {
			st.close()
			return nil, fmt.Errorf("open tracker: %w", err)
		}
	}
	t.handler = t.routes()
	return t, nil
}

// Handler returns the tracker's HTTP handler.
func (t *Tracker) Handler() http.Handler { return t.handler }

// CreateCampaign stores a campaign; a taken name is an *Error with code
// EConflict, a bad name or URL one with code EInvalid.
func (t *Tracker) CreateCampaign(ctx context.Context, name, offerURL string) (Campaign, error) {
	return t.store.createCampaign(ctx, Campaign{Name: name, OfferURL: offerURL})
}

// Serve answers HTTP requests on ln until ctx is done, then shuts down
// gracefully: connections that never sent a request are closed at once and
// requests in flight get up to 5 seconds. It returns nil after a shutdown
// caused by ctx. It does not close the Tracker. The server keeps
// Config.Server's timeouts and limits: at most MaxConns connections are
// open at once, the others wait in ln's backlog.
func (t *Tracker) Serve(ctx context.Context, ln net.Listener) error {
	lim := t.cfg.Server
	ln = newLimitListener(ln, lim.MaxConns)
	var mu sync.Mutex                // guards fresh
	fresh := map[net.Conn]struct{}{} // connections that have not sent a request yet
	srv := &http.Server{
		Handler:           t.handler,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
		WriteTimeout:      lim.WriteTimeout,
		IdleTimeout:       lim.IdleTimeout,
		MaxHeaderBytes:    lim.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(t.log.Handler(), slog.LevelWarn),
		ConnState: func(c net.Conn, st http.ConnState) {
			mu.Lock()
			defer mu.Unlock()
			if st == http.StateNew {
				fresh[c] = struct{}{}
			} else {
				delete(fresh, c)
			}
		},
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve tracker: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(sctx) }()
	// Shutdown counts a connection without a request as busy for its first
	// 5 seconds; such connections are idle clients' spares: close them.
	mu.Lock()
	for c := range fresh {
		c.Close()
	}
	mu.Unlock()
	err := <-shut
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("shut down tracker: %w", err)
	}
	return nil
}

// Close closes the store. Serve must have returned.
func (t *Tracker) Close() error {
	if err := t.store.close(); err != nil {
		return fmt.Errorf("close tracker: %w", err)
	}
	return nil
}
