package web

import (
	"io"
	"sync"

	"github.com/gin-gonic/gin"
)

// broker fans reload events out to the open pages (server-sent events).
type broker struct {
	mu   sync.Mutex
	subs map[chan string]struct{}
}

func newBroker() *broker { return &broker{subs: map[chan string]struct{}{}} }

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

func (s *Server) eventStream(c *gin.Context) {
	ch := s.events.subscribe()
	defer s.events.unsubscribe(ch)
	c.Header("Cache-Control", "no-cache")
	c.Header("Content-Type", "text/event-stream")
	c.SSEvent("hello", s.site.Load().version)
	c.Writer.Flush()
	c.Stream(func(w io.Writer) bool {
		select {
		case ev := <-ch:
			c.SSEvent(ev, s.site.Load().version)
			return true
		case <-c.Request.Context().Done():
			return false
		}
	})
}
