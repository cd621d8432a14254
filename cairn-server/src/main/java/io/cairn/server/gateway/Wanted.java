package io.cairn.server.gateway;

/**
 * The response format a request asked for, and how: {@code fromAccept} when the Accept header chose
 * it (so the response carries a Content-Location naming the format explicitly).
 *
 * @param car the CAR framing, for {@link Format#CAR} only (null otherwise)
 */
record Wanted(Format format, CarParams car, boolean fromAccept) {
    enum Format {
        RAW("raw"), CAR("car"), TAR("tar"), IPNS_RECORD("ipns-record"), DESERIALIZED(null), DAG_JSON("dag-json"), DAG_CBOR("dag-cbor"), JSON("json"), CBOR("cbor");

        final String param;

        Format(String param) {
            this.param = param;
        }
    }
}
