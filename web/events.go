package web

import (
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// heartbeat is how often an idle event stream sends a comment, so proxies
// and the browser keep it and a closed page is noticed.
const heartbeat = 30 * time.Second

// broker fans reload events out to the open pages (server-sent events).
type broker struct {
	mu     sync.Mutex
	subs   map[chan string]struct{}
	done   chan struct{} // closed when the server shuts down
	closed sync.Once
}

func newBroker() *broker { return &broker{subs: map[chan string]struct{}{}, done: make(chan struct{})} }

// CloseStreams ends every open event stream. http.Server.Shutdown waits
// for active requests and an event stream never ends on its own: register
// this with RegisterOnShutdown.
func (s *Server) CloseStreams() { s.events.closed.Do(func() { close(s.events.done) }) }

func (b *broker) subscribe() chan string {
	ch := make(chan string, 4)
	b.mu.Lock()
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch
}

func (b *broker) unsubscribe(ch chan string) {
	b.mu.Lock()
	delete(b.subs, ch)
	b.mu.Unlock()
}

// count is the number of open streams.
func (b *broker) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

func (b *broker) publish(event string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- event:
		default: // a slow page misses an event; the next one reloads it anyway
		}
	}
}

// eventStream tells a page the graph version at once ("hello"), then on
// every reload. The stream outlives the server's write timeout: its
// deadline is lifted, and each write is bounded instead.
func (s *Server) eventStream(c *gin.Context) {
	if !s.cfg.Live {
		s.fail(c, errNotFound)
		return
	}
	ch := s.events.subscribe()
	defer s.events.unsubscribe(ch)
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetWriteDeadline(time.Time{})
	c.Header("Cache-Control", "no-cache")
	c.Header("Content-Type", "text/event-stream")
	c.SSEvent("hello", s.site.Load().version)
	c.Writer.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	c.Stream(func(w io.Writer) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(10 * time.Second))
		select {
		case ev := <-ch:
			c.SSEvent(ev, s.site.Load().version)
			return true
		case <-tick.C:
			_, err := io.WriteString(w, ": ping\n\n")
			return err == nil
		case <-c.Request.Context().Done():
			return false
		case <-s.events.done:
			return false
		}
	})
}
