# syntax=docker/dockerfile:1
# The reseller-issuer manager: a static binary on distroless, as non-root.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY api/ api/
COPY cmd/ cmd/
COPY internal/ internal/
RUN CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w" -o /out/reseller-issuer ./cmd/reseller-issuer

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/reseller-issuer /reseller-issuer
USER 65532:65532
ENTRYPOINT ["/reseller-issuer"]
