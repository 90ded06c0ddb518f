# syntax=docker/dockerfile:1

# --- front-end assets from npm (designsystemet, htmx, axe) -------------------
FROM node:20-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/npm-assets.sh scripts/npm-assets.sh
RUN bash scripts/npm-assets.sh

# --- Go build: static binary with web/static (incl. vendor/) embedded ----------
FROM golang:1.26 AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/web/static/vendor/ web/static/vendor/
RUN go tool templ generate -path web \
 && go build -trimpath -ldflags='-s -w' -o /out/ankomst ./cmd/ankomst

# --- runtime -------------------------------------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ankomst /ankomst
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/ankomst"]
CMD ["serve", "--addr", ":8080", "--migrate"]
