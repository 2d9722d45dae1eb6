package boltstore

import bolt "go.etcd.io/bbolt"

// DB exposes the bbolt handle to this package's external tests.
func (s *Store) DB() *bolt.DB { return s.db }
