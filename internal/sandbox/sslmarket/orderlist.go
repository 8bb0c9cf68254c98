package sslmarket

import (
	"net/http"
	"sort"
)

// orderList answers GET /order/list.
func (s *Server) orderList(c call) (response, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	list := orderListResponse{Orders: []orderSummary{}}
	for _, o := range s.orders {
		if o.account != c.account {
			continue
		}
		sum := orderSummary{
			OrderID:        o.id,
			ProductType:    o.product.productType,
			ProductCode:    o.product.code,
			Domain:         o.domain,
			DNSNames:       append([]string{}, o.dnsNames...),
			SANsOrderCount: len(o.dnsNames),
			Years:          o.years,
			Inserted:       formatTime(o.inserted),
			State:          o.state,
		}
		if o.leaf != nil {
			sum.Published = formatTime(o.published)
			sum.Expired = formatDate(o.leaf.NotAfter)
		}
		list.Orders = append(list.Orders, sum)
	}
	sort.Slice(list.Orders, func(i, j int) bool { return list.Orders[i].OrderID < list.Orders[j].OrderID })
	return jsonResponse(http.StatusOK, list), nil
}
