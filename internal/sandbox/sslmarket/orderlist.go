package sslmarket

import (
	"net/http"
	"sort"

	"github.com/reseller-issuer/reseller-issuer/internal/sandbox/apienv"
)

// orderList answers GET /order/list. With a page size set, it answers the
// "page" asked for, oldest first.
func (s *Server) orderList(c call) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var mine []*order
	for _, o := range s.orders {
		if o.account == c.account {
			mine = append(mine, o)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].id < mine[j].id })
	lo, hi, err := s.env.Page(c.r.URL.Query(), len(mine))
	if err != nil {
		return response{}, invalid(apienv.PageParam, "%v", err)
	}
	list := orderListResponse{Orders: []orderSummary{}}
	for _, o := range mine[lo:hi] {
		sum := orderSummary{
			OrderID:   o.id,
			orderItem: o.item(),
			Inserted:  s.formatTime(o.inserted),
			State:     o.state,
		}
		if o.leaf != nil {
			sum.Published = s.formatTime(o.published)
			sum.Expired = s.formatDate(o.leaf.NotAfter)
		}
		list.Orders = append(list.Orders, sum)
	}
	return jsonResponse(http.StatusOK, list), nil
}
