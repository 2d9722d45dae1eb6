// Package audit defines Alongside's audit trail: who did what to which
// record, when, and with what outcome.
//
// # Model
//
// An [Event] is append-only. The store writes it in the same transaction
// (bbolt) or script (Redis) as the change it records, so an acknowledged
// change always has its event and an event never describes a change that
// did not happen. Events carry identifiers only: never names, needs,
// locations or other personal data. Each organization has its own
// sequence, numbered from 1 by the store.
//
// An [Actor] is the principal a change is made for, passed explicitly to
// every store write.
package audit
