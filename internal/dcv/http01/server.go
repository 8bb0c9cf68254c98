package http01

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// Server runs the responder on its own port in every replica (it does not
// need leader election: any replica may receive the reseller's request).
type Server struct {
	Addr    string
	Handler http.Handler
}

// NeedLeaderElection tells controller-runtime to run the server everywhere.
func (s *Server) NeedLeaderElection() bool { return false }

// Start serves until ctx ends.
func (s *Server) Start(ctx context.Context) error {
	srv := &http.Server{Addr: s.Addr, Handler: s.Handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
