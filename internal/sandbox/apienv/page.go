package apienv

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// PageParam is the query parameter that asks for one page of a list
// (1-based). No document names one; every API here is assumed to take it.
const PageParam = "page"

// Page returns the bounds [lo, hi) of the entries of a list of n, sorted
// oldest first, that the query's "page" asks for: all of them when the API
// does not page (PageSize 0, the parameter ignored), none past the last
// page. A page that is not a positive number is an error naming it.
func (e Env) Page(q url.Values, n int) (lo, hi int, err error) {
	if e.PageSize <= 0 {
		return 0, n, nil
	}
	page := 1
	if raw := q.Get(PageParam); raw != "" {
		page, err = strconv.Atoi(raw)
		if err != nil || page < 1 {
			return 0, 0, fmt.Errorf("%s must be a positive number, got %q", PageParam, raw)
		}
	}
	lo = min((page-1)*e.PageSize, n)
	if page-1 > n/e.PageSize { // far past the end: (page-1)*PageSize could overflow
		lo = n
	}
	return lo, min(lo+e.PageSize, n), nil
}

// Local is t in the API's zone, as it writes its times.
func (e Env) Local(t time.Time) time.Time { return t.In(e.Zone) }
