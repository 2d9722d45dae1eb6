package server

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
)

// Seed requests live in testdata/convert, one per request type, named by
// the message ("CreateCaseRequest.json"). They are valid requests, written
// in the JSON a client sends.

func seedRequests(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob("testdata/convert/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no seed requests in testdata/convert: %v", err)
	}
	seeds := make(map[string][]byte, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		seeds[strings.TrimSuffix(filepath.Base(f), ".json")] = b
	}
	return seeds
}

// TestSeedRequests checks that every seed is a request that decodes.
func TestSeedRequests(t *testing.T) {
	t.Parallel()
	for name, data := range seedRequests(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName("alongside.v1." + name))
			if err != nil {
				t.Fatalf("seed %s.json names no request type: %v", name, err)
			}
			req := mt.New().Interface()
			if err := protojson.Unmarshal(data, req); err != nil {
				t.Fatalf("protojson.Unmarshal: %v", err)
			}
			if _, err := decodeRequest(t, req); err != nil {
				t.Errorf("decode %s = %v; want no error", name, err)
			}
		})
	}
}

// FuzzProtoJSONRequest feeds JSON to every request type the conversions
// decode. Decoding, normalizing and validating must not panic, must report
// only field errors (each field once), and a record that is accepted must
// survive the round trip to its message and back unchanged.
func FuzzProtoJSONRequest(f *testing.F) {
	for _, data := range seedRequests(f) {
		f.Add(data)
	}
	types := []proto.Message{
		&alongsidev1.CreatePartnerRequest{}, &alongsidev1.CreateCaseRequest{}, &alongsidev1.CreateAppointmentRequest{},
		&alongsidev1.UpdatePartnerRequest{}, &alongsidev1.UpdateCaseRequest{}, &alongsidev1.UpdateAppointmentRequest{},
		&alongsidev1.ListPartnersRequest{}, &alongsidev1.ListCasesRequest{}, &alongsidev1.ListAppointmentsRequest{},
		&alongsidev1.MatchCaseRequest{}, &alongsidev1.DeclineAssignmentRequest{}, &alongsidev1.ListPendingHoldsRequest{},
		&alongsidev1.ExplainMatchRequest{}, &alongsidev1.RebalanceRequest{}, &alongsidev1.GetEquityReportRequest{},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range types {
			req := typ.ProtoReflect().New().Interface()
			if protojson.Unmarshal(data, req) != nil {
				continue
			}
			got, err := decodeRequest(t, req)
			fieldErrors(t, err)
			if err != nil {
				continue
			}
			switch r := got.(type) {
			case *alongside.Partner:
				roundTrip(t, r, partnerToProto, partnerFromProto)
			case *alongside.Case:
				roundTrip(t, r, caseWithoutAssignment, caseFromProto)
			case *alongside.Appointment:
				roundTrip(t, r, appointmentToProto, appointmentFromProto)
			}
		}
	})
}
