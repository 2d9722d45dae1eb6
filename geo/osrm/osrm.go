package osrm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alongside/alongside/geo"
)

// Defaults of [Client].
const (
	// DefaultMaxTableSize is osrm-routed's default --max-table-size: a
	// table request may have at most this many sources and as many
	// destinations.
	DefaultMaxTableSize = 100
	// DefaultTimeout bounds one HTTP request (one block of the matrix).
	DefaultTimeout = 10 * time.Second
	// DefaultProfile is the routing profile in the request path.
	DefaultProfile = "driving"
	// maxBody caps the response body read: a 100×100 table is about
	// 200 KB.
	maxBody = 32 << 20
)

// ErrUnavailable is wrapped by every error meaning "the routing service
// could not answer": connection refused, DNS failure, timeout, an HTTP 5xx
// or 429, or a response that is not OSRM JSON. The caller can fall back
// to geo.GreatCircle.
var ErrUnavailable = errors.New("routing service unavailable")

// Error is an answer from the service refusing the request: OSRM's code
// (e.g. "InvalidQuery", "NoTable", "TooBig", "NoSegment") and message. Its
// Error method names the host and the code only; Message is kept for a
// caller that wants it (OSRM's messages name coordinates by index, but
// treat it as request data all the same).
type Error struct {
	Host    string // the service's host:port
	Status  int    // HTTP status
	Code    string // OSRM's code; "" if the body had none
	Message string // OSRM's message
}

// Error names the host and OSRM's code (or the HTTP status), never the
// message.
func (e *Error) Error() string {
	code := e.Code
	if code == "" {
		code = "HTTP " + strconv.Itoa(e.Status)
	}
	return "osrm: " + e.Host + " refused the table request: " + code
}

// Client is a geo.TravelModel asking an OSRM-compatible /table service
// (osrm-routed, or anything speaking its HTTP API v1) for road durations
// and distances.
//
// A matrix larger than MaxTableSize on either side is split into blocks of
// at most MaxTableSize sources × MaxTableSize destinations, requested
// Concurrency at a time and assembled. When a block's sources and
// destinations are the same points, they are sent once.
//
// Errors never contain coordinates or the request URL (points can be home
// locations): they name the host and the failure. The client does not log.
// The zero value is not usable (BaseURL is required); otherwise every field
// documents its default. A Client is safe for concurrent use.
type Client struct {
	// BaseURL is the service root, e.g. "http://osrm.internal:5000";
	// requests go to BaseURL + "/table/v1/" + Profile + "/…". Required.
	BaseURL string
	// Profile is the routing profile; "" means DefaultProfile.
	Profile string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// MaxTableSize is the most sources, and the most destinations, in one
	// request; 0 means DefaultMaxTableSize. Set it to the server's
	// --max-table-size.
	MaxTableSize int
	// Timeout bounds each request; 0 means DefaultTimeout, negative means
	// no bound beyond ctx.
	Timeout time.Duration
	// Concurrency is how many block requests run at once; 0 means 1.
	Concurrency int
}

var _ geo.TravelModel = (*Client)(nil)

// Matrix implements geo.TravelModel. A null entry in OSRM's answer (no
// route, e.g. to an island of the road graph) is geo.UnreachableLeg. A
// failure to reach the service wraps [ErrUnavailable]; a refusal is an
// [*Error]; a done ctx wraps ctx.Err(). Durations are OSRM's seconds
// (0.1 s resolution), distances its metres.
func (c *Client) Matrix(ctx context.Context, from, to []geo.Point) (*geo.Matrix, error) {
	base, err := c.base()
	if err != nil {
		return nil, err
	}
	if err := geo.CheckPoints(from, to); err != nil {
		return nil, err
	}
	m := geo.NewMatrix(len(from), len(to))
	if len(m.Legs) == 0 {
		return m, nil
	}
	size := c.MaxTableSize
	if size <= 0 {
		size = DefaultMaxTableSize
	}
	type block struct{ r0, r1, c0, c1 int }
	var blocks []block
	for r0 := 0; r0 < len(from); r0 += size {
		for c0 := 0; c0 < len(to); c0 += size {
			blocks = append(blocks, block{r0, min(r0+size, len(from)), c0, min(c0+size, len(to))})
		}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := min(max(c.Concurrency, 1), len(blocks))
	next := make(chan block)
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
	)
	for range workers {
		wg.Go(func() {
			for b := range next {
				if ctx.Err() != nil {
					continue // drain: a block failed or the caller gave up
				}
				if err := c.block(ctx, base, m, from[b.r0:b.r1], to[b.c0:b.c1], b.r0, b.c0); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
				}
			}
		})
	}
feed:
	for _, b := range blocks {
		select {
		case next <- b:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("osrm: %w", err)
	}
	return m, nil
}

// endpoint is a parsed BaseURL.
type endpoint struct {
	u    *url.URL
	host string
}

func (c *Client) base() (endpoint, error) {
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return endpoint{}, errors.New("osrm: BaseURL is not an http(s) URL with a host")
	}
	return endpoint{u: u, host: u.Host}, nil
}

// block requests the legs from src to dst and writes them into m at
// (r0, c0).
func (c *Client) block(ctx context.Context, base endpoint, m *geo.Matrix, src, dst []geo.Point, r0, c0 int) error {
	reqCtx := ctx
	if t := c.timeout(); t > 0 {
		var cancel context.CancelFunc
		reqCtx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	req, err := c.request(reqCtx, base, src, dst)
	if err != nil {
		return err
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return transportError(ctx, reqCtx, base.host, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return transportError(ctx, reqCtx, base.host, err)
	}
	if len(body) > maxBody {
		return fmt.Errorf("osrm: %s: response over %d bytes: %w", base.host, maxBody, ErrUnavailable)
	}

	legs, err := decodeTable(body, len(src), len(dst))
	status := resp.StatusCode
	down := status >= 500 || status == http.StatusTooManyRequests
	if refused, ok := errors.AsType[*Error](err); ok && refused.Code != "" {
		refused.Host, refused.Status = base.host, status
		if down {
			return fmt.Errorf("%w: %w", refused, ErrUnavailable)
		}
		return refused
	}
	switch {
	case down:
		return fmt.Errorf("osrm: %s answered HTTP %d: %w", base.host, status, ErrUnavailable)
	case status != http.StatusOK:
		// Not an OSRM refusal: a proxy's 404 for a wrong BaseURL, say.
		return &Error{Host: base.host, Status: status}
	case err != nil:
		return fmt.Errorf("osrm: %s: %w: %w", base.host, err, ErrUnavailable)
	}
	for i := range src {
		copy(m.Legs[(r0+i)*m.Cols+c0:], legs[i*len(dst):(i+1)*len(dst)])
	}
	return nil
}

func (c *Client) timeout() time.Duration {
	if c.Timeout == 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// request builds GET {base}/table/v1/{profile}/{lng,lat;…}?sources=…&
// destinations=…&annotations=duration,distance.
func (c *Client) request(ctx context.Context, base endpoint, src, dst []geo.Point) (*http.Request, error) {
	same := len(src) == len(dst)
	for i := 0; same && i < len(src); i++ {
		same = src[i] == dst[i]
	}
	var coords strings.Builder
	add := func(ps []geo.Point) {
		for _, p := range ps {
			if coords.Len() > 0 {
				coords.WriteByte(';')
			}
			coords.WriteString(strconv.FormatFloat(p.Lng, 'f', 6, 64))
			coords.WriteByte(',')
			coords.WriteString(strconv.FormatFloat(p.Lat, 'f', 6, 64))
		}
	}
	add(src)
	q := url.Values{"annotations": {"duration,distance"}}
	if !same {
		add(dst)
		q.Set("sources", indexes(0, len(src)))
		q.Set("destinations", indexes(len(src), len(dst)))
	}
	profile := c.Profile
	if profile == "" {
		profile = DefaultProfile
	}
	u := *base.u
	u.Path = strings.TrimSuffix(u.Path, "/") + "/table/v1/" + profile + "/" + coords.String()
	u.RawPath = ""
	// OSRM reads ';' and ',' literally: keep them unescaped.
	u.RawQuery = strings.NewReplacer("%3B", ";", "%2C", ",").Replace(q.Encode())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("osrm: %s: building the request failed", base.host)
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// indexes returns "start;start+1;…;start+n-1".
func indexes(start, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(strconv.Itoa(start + i))
	}
	return b.String()
}

// transportError turns a failed round trip into an error that names the
// host but not the URL: *url.Error prints the whole URL, coordinates and
// all, so only its cause is kept. ctx is the caller's context, reqCtx the
// request's (ctx with the timeout).
func transportError(ctx, reqCtx context.Context, host string, err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("osrm: %s: %w", host, ctxErr)
	}
	if reqErr := reqCtx.Err(); reqErr != nil {
		return fmt.Errorf("osrm: %s did not answer within the request timeout: %w (%w)", host, ErrUnavailable, reqErr)
	}
	return fmt.Errorf("osrm: %s: %w (%w)", host, ErrUnavailable, err)
}
