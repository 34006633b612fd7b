package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/codeatlas/codeatlas/graph"
)

// Timeouts of the HTTP server. Event streams lift the write timeout for
// themselves (eventStream); a render has RenderTimeout inside WriteTimeout.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	// shutdownGrace is how long Serve waits for requests in flight once
	// ctx ends; then it closes their connections.
	shutdownGrace = 5 * time.Second
	// cancelGrace is how long, within shutdownGrace, requests in flight
	// keep their contexts: then they are cancelled, so a request waiting
	// for a render answers 503 at once and the render is stopped.
	cancelGrace = time.Second
)

// Serve answers HTTP on ln until ctx ends, then shuts down: open event
// streams end at once, requests in flight get cancelGrace to finish, then
// their contexts are cancelled (renders stop, waiting requests answer
// 503), and any still running after shutdownGrace are cut off. It renders the overview in the background first,
// so the first visitor does not wait for a render worker to start. It
// returns nil after a shutdown in time, and the listener's error if
// serving fails.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// Requests' contexts come from reqs, cancelled during shutdown.
	reqs, cancelReqs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelReqs()
	hs := &http.Server{
		BaseContext:       func(net.Listener) context.Context { return reqs },
		Handler:           s.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	// Shutdown waits for active requests, and an event stream never ends
	// on its own.
	hs.RegisterOnShutdown(s.CloseStreams)
	s.warm(ctx)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	stop := time.AfterFunc(cancelGrace, cancelReqs)
	defer stop.Stop()
	err := hs.Shutdown(sctx)
	if err != nil {
		_ = hs.Close()
		err = fmt.Errorf("shutdown: requests still running after %v were cut off: %w", shutdownGrace, err)
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// warm renders the overview in the background so the first visitor does
// not pay for starting a render worker.
func (s *Server) warm(ctx context.Context) {
	go func() {
		st := s.site.Load()
		if _, err := s.mapSVG(ctx, st, graph.Query{}); err != nil && !errors.Is(err, context.Canceled) {
			s.log.Warn("warm-up render failed", "err", err)
		}
	}()
}
