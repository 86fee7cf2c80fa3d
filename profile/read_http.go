package profile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxReplyBytes bounds a reply body the package reads.
const maxReplyBytes = 64 << 20

// httpReader reads rows from a JSON API, page by page.
type httpReader struct{ spec *httpSpec }

// readVals returns the placeholders' values for a read of clickID.
func (t *Tracker) readVals(clickID string) map[string]string {
	vals := maps.Clone(t.vals)
	from, to := t.window()
	vals[phClickID] = clickID
	vals[phDateFrom] = from.Format(time.DateOnly)
	vals[phDateTo] = to.Format(time.DateOnly)
	vals[phTimeFrom] = strconv.FormatInt(from.Unix(), 10)
	vals[phTimeTo] = strconv.FormatInt(to.Unix(), 10)
	return vals
}

// rows reads every page of the reply's list, up to paging.max_pages.
func (h httpReader) rows(ctx context.Context, t *Tracker, clickID string) ([]row, error) {
	s := h.spec
	vals := t.readVals(clickID)
	base, err := s.url.expand(vals)
	if err != nil {
		return nil, err
	}
	params := url.Values{}
	for _, k := range slices.Sorted(maps.Keys(s.query)) {
		v, err := s.query[k].expand(vals)
		if err != nil {
			return nil, err
		}
		params.Set(k, v)
	}
	header := http.Header{}
	if s.authValue != nil {
		v, err := s.authValue.expand(vals)
		if err != nil {
			return nil, err
		}
		if s.authHdr != "" {
			header.Set(s.authHdr, v)
		} else {
			params.Set(s.authQuery, v)
		}
	}
	var body []byte
	if s.body != nil {
		b, err := s.body.expand(vals)
		if err != nil {
			return nil, err
		}
		body = []byte(b)
	}
	pg := s.paging
	var all []row
	for page := 0; page < pg.maxPages; page++ {
		q := maps.Clone(params)
		switch pg.style {
		case PagingPage:
			q.Set(pg.pageParam, strconv.Itoa(pg.first+page))
		case PagingOffset:
			q.Set(pg.offParam, strconv.Itoa(len(all)))
		}
		if pg.sizeParam != "" {
			q.Set(pg.sizeParam, strconv.Itoa(pg.size))
		}
		reply, err := t.fetch(ctx, s.method, withQuery(base, q), header, body)
		if err != nil {
			return nil, err
		}
		items, total, err := s.listOf(reply)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		switch {
		case pg.style == PagingNone, len(items) == 0,
			total >= 0 && len(all) >= total,
			pg.sizeParam != "" && len(items) < pg.size:
			return all, nil
		}
	}
	return nil, hint(fmt.Errorf("more than %d pages", pg.maxPages),
		"raise paging.max_pages (at most 10000), or check that the API honours the paging parameters")
}

// withQuery appends q to u, which may have a query of its own.
func withQuery(u string, q url.Values) string {
	if len(q) == 0 {
		return u
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + q.Encode()
}

// listOf returns the reply's rows and its total (-1 when the profile names
// none or the reply has none).
func (s *httpSpec) listOf(reply any) ([]row, int, error) {
	v, ok := lookup(reply, s.list)
	if !ok {
		return nil, 0, hint(fmt.Errorf("the reply has no %q", s.list), "set list: to the path of the array of rows in the reply")
	}
	arr, ok := v.([]any)
	if !ok {
		where := "the reply"
		if s.list != "" {
			where = fmt.Sprintf("the reply's %q", s.list)
		}
		return nil, 0, hint(fmt.Errorf("%s is not an array but %s", where, firstBytes(text(v))), "set list: to the path of the array of rows in the reply")
	}
	rows := make([]row, 0, len(arr))
	for i, it := range arr {
		obj, ok := it.(map[string]any)
		if !ok {
			return nil, 0, fmt.Errorf("item %d of the list is not an object: %s", i+1, firstBytes(text(it)))
		}
		rows = append(rows, jsonRow(obj))
	}
	total := -1
	if s.total != "" {
		if tv, ok := lookup(reply, s.total); ok {
			n, err := strconv.Atoi(text(tv))
			if err != nil {
				return nil, 0, hint(fmt.Errorf("the reply's %q is %s, not a count", s.total, firstBytes(text(tv))), "set total: to the path of the row count, or leave it out")
			}
			total = n
		}
	}
	return rows, total, nil
}

// fetch sends one API request and decodes its JSON reply. Errors show the
// method and path, never the query (which may hold a key), and hide
// secrets.
func (t *Tracker) fetch(ctx context.Context, method, u string, header http.Header, body []byte) (any, error) {
	status, raw, where, err := t.send(ctx, t.noFollow, method, u, header, body)
	if err != nil {
		return nil, err
	}
	if status < 200 || status > 299 {
		err := fmt.Errorf("%s: HTTP %d: %s", where, status, t.Redact(firstBytes(string(raw))))
		if status == http.StatusUnauthorized || status == http.StatusForbidden {
			// Said as package redtrack says it, so a wrong key reads the same on every path.
			err = fmt.Errorf("%s: api key refused (HTTP %d): %s", where, status, t.Redact(firstBytes(string(raw))))
		}
		switch {
		case status >= 300 && status <= 399:
			return nil, hint(err, "the API redirected; cbsim does not follow a redirect with the API key: give the final URL (--api, or the reader's url:)")
		case status == http.StatusUnauthorized || status == http.StatusForbidden:
			return nil, hint(err, "the API refused the credentials: check the API key (--api-key or --set) and auth: (header or query)")
		case status == http.StatusNotFound:
			return nil, hint(err, "check the API base URL (--api) and the reader's url:")
		}
		return nil, err
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, hint(fmt.Errorf("%s: the reply is not JSON (%v): %s", where, err, t.Redact(firstBytes(string(raw)))),
			"check the reader's url: — it should answer JSON")
	}
	return v, nil
}

// send sends one request with client hc and returns the status and body;
// where is "METHOD path" for messages.
func (t *Tracker) send(ctx context.Context, hc *http.Client, method, u string, header http.Header, body []byte) (int, []byte, string, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, nil, "", fmt.Errorf("%s %s: %v", method, t.Redact(u), err)
	}
	where := method + " " + t.Redact(req.URL.Path)
	for k, v := range header {
		req.Header[k] = v
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // its URL may hold a key
		}
		return 0, nil, where, hint(fmt.Errorf("%s: %v", where, err), "is the tracker reachable at that address?")
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes))
	if err != nil {
		return 0, nil, where, fmt.Errorf("%s: read reply: %w", where, err)
	}
	return resp.StatusCode, raw, where, nil
}

// firstBytes returns the start of a text for a message.
func firstBytes(s string) string {
	const n = 120
	if len(s) > n {
		return fmt.Sprintf("%q…", s[:n])
	}
	return fmt.Sprintf("%q", s)
}
