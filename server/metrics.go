package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the service's Prometheus metrics. Labels are procedures and
// codes only: never identifiers or personal data.
type metrics struct {
	registry     *prometheus.Registry
	rpcs         *prometheus.CounterVec
	holdsExpired prometheus.Counter
	escalations  prometheus.Counter
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		rpcs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "alongside", Name: "rpcs_total",
			Help: "RPCs handled, by procedure and code.",
		}, []string{"procedure", "code"}),
		holdsExpired: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "alongside", Name: "holds_expired_total",
			Help: "Holds this replica's sweeper marked expired.",
		}),
		escalations: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "alongside", Name: "escalations_total",
			Help: "Escalations to coordinators this replica recorded.",
		}),
	}
	m.registry.MustRegister(m.rpcs, m.holdsExpired, m.escalations,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
