package io.cairn.server.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Picks the response format from {@code format=}, the {@code car-*} parameters and the Accept header:
 * the query wins over Accept, Accept's media ranges are tried in q order, and a CAR's
 * {@code version}, {@code order} and {@code dups} come from the Accept range unless a {@code car-*}
 * parameter says otherwise.
 */
final class Negotiation {
    static final String DAG_JSON = "application/vnd.ipld.dag-json";
    static final String DAG_CBOR = "application/vnd.ipld.dag-cbor";
    static final String TAR = "application/x-tar";
    static final String IPNS_RECORD = "application/vnd.ipfs.ipns-record";

    private Negotiation() {
    }

    /** The {@code car-*} query parameters, each null when absent. */
    record CarQuery(String version, String order, String dups) {
    }

    static Wanted negotiate(String format, String accept, CarQuery carQuery, boolean deserialized) {
        if (format != null && !format.isBlank()) {
            Wanted.Format f = switch (format.trim().toLowerCase(Locale.ROOT)) {
                case "raw" -> Wanted.Format.RAW;
                case "car" -> Wanted.Format.CAR;
                case "tar" -> Wanted.Format.TAR;
                case "ipns-record" -> Wanted.Format.IPNS_RECORD;
                case "dag-json" -> Wanted.Format.DAG_JSON;
                case "dag-cbor" -> Wanted.Format.DAG_CBOR;
                case "json" -> Wanted.Format.JSON;
                case "cbor" -> Wanted.Format.CBOR;
                default -> throw GatewayException.notAcceptable("format '" + format + "' is not served; use format=raw, "
                        + "format=car" + (deserialized ? ", tar, dag-json, dag-cbor, json or cbor" : ""));
            };
            if (f == Wanted.Format.CAR) {
                CarParams fromAccept = accept == null ? null : acceptedCar(accept);
                return new Wanted(f, carParams(fromAccept, carQuery), false);
            }
            if (f != Wanted.Format.RAW && f != Wanted.Format.IPNS_RECORD) {
                requireDeserialized(f, deserialized);
            }
            return new Wanted(f, null, false);
        }
        if (accept != null && !accept.isBlank()) {
            for (String range : ordered(accept)) {
                String[] parts = range.split(";");
                String type = parts[0].trim().toLowerCase(Locale.ROOT);
                switch (type) {
                    case Gateway.RAW -> {
                        return new Wanted(Wanted.Format.RAW, null, true);
                    }
                    case Gateway.CAR -> {
                        CarParams p = carRange(parts);
                        if (p != null) {
                            return new Wanted(Wanted.Format.CAR, carParams(p, carQuery), true);
                        }
                    }
                    case IPNS_RECORD -> {
                        return new Wanted(Wanted.Format.IPNS_RECORD, null, true);
                    }
                    case TAR -> {
                        if (deserialized) {
                            return new Wanted(Wanted.Format.TAR, null, true);
                        }
                    }
                    case DAG_JSON, DAG_CBOR, "application/json", "application/cbor" -> {
                        if (deserialized) {
                            Wanted.Format f = switch (type) {
                                case DAG_JSON -> Wanted.Format.DAG_JSON;
                                case DAG_CBOR -> Wanted.Format.DAG_CBOR;
                                case "application/json" -> Wanted.Format.JSON;
                                default -> Wanted.Format.CBOR;
                            };
                            return new Wanted(f, null, true);
                        }
                    }
                    default -> {
                        if (deserialized) {
                            return new Wanted(Wanted.Format.DESERIALIZED, null, false);
                        }
                    }
                }
            }
            if (deserialized) {
                return new Wanted(Wanted.Format.DESERIALIZED, null, false);
            }
            throw GatewayException.notAcceptable("this gateway serves only application/vnd.ipld.raw and "
                    + "application/vnd.ipld.car (version=1; order=dfs|unk; dups=y|n); ask with ?format=raw, ?format=car "
                    + "or an Accept header");
        }
        if (deserialized) {
            return new Wanted(Wanted.Format.DESERIALIZED, null, false);
        }
        throw GatewayException.badRequest("this is a trustless gateway: say which verifiable format you want with "
                + "?format=raw or ?format=car, or an Accept header of application/vnd.ipld.raw or application/vnd.ipld.car");
    }

    private static void requireDeserialized(Wanted.Format f, boolean deserialized) {
        if (!deserialized) {
            throw GatewayException.notAcceptable("format " + f.param + " is a deserialized response, which this "
                    + "gateway does not serve (trustless only); use format=raw or format=car");
        }
    }

    /** The first acceptable CAR range of an Accept header, or null. */
    private static CarParams acceptedCar(String accept) {
        for (String range : ordered(accept)) {
            String[] parts = range.split(";");
            if (parts[0].trim().equalsIgnoreCase(Gateway.CAR)) {
                CarParams p = carRange(parts);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    /** A CAR media range's parameters, or null when it asks for something not served (version=2, order=xyz). */
    private static CarParams carRange(String[] parts) {
        String order = "dfs";
        boolean dups = false;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].trim().split("=", 2);
            String k = kv[0].trim().toLowerCase(Locale.ROOT);
            String v = kv.length > 1 ? kv[1].trim().toLowerCase(Locale.ROOT) : "";
            switch (k) {
                case "version" -> {
                    if (!v.equals("1")) {
                        return null;
                    }
                }
                case "order" -> {
                    if (!v.equals("dfs") && !v.equals("unk")) {
                        return null;
                    }
                }
                case "dups" -> {
                    if (!v.equals("y") && !v.equals("n")) {
                        return null;
                    }
                    dups = v.equals("y");
                }
                default -> { }
            }
        }
        return new CarParams(order, dups);
    }

    /** The Accept range's CAR parameters (or the defaults), overridden by whatever car-* parameter is given. */
    private static CarParams carParams(CarParams fromAccept, CarQuery q) {
        boolean dups = fromAccept != null && fromAccept.dups();
        if (q.version() != null && !q.version().trim().equals("1")) {
            throw GatewayException.notAcceptable("car-version=" + q.version() + " is not served; only CARv1 (car-version=1)");
        }
        if (q.order() != null) {
            String o = q.order().trim().toLowerCase(Locale.ROOT);
            if (!o.equals("dfs") && !o.equals("unk")) {
                throw GatewayException.badRequest("car-order must be dfs or unk, got '" + q.order() + "'");
            }
        }
        if (q.dups() != null) {
            dups = switch (q.dups().trim().toLowerCase(Locale.ROOT)) {
                case "y" -> true;
                case "n" -> false;
                default -> throw GatewayException.badRequest("car-dups must be y or n, got '" + q.dups() + "'");
            };
        }
        // Blocks are always sent depth-first, which satisfies order=unk too.
        return new CarParams("dfs", dups);
    }

    /** Media ranges ordered by q value, stable for equal q; q=0 ranges dropped. */
    static List<String> ordered(String accept) {
        List<String> ranges = new ArrayList<>();
        List<Double> qs = new ArrayList<>();
        for (String r : accept.split(",")) {
            String range = r.trim();
            if (range.isEmpty()) {
                continue;
            }
            double q = 1.0;
            StringBuilder kept = new StringBuilder();
            for (String p : range.split(";")) {
                String t = p.trim();
                if (t.toLowerCase(Locale.ROOT).startsWith("q=")) {
                    try {
                        q = Double.parseDouble(t.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                } else {
                    if (!kept.isEmpty()) {
                        kept.append(';');
                    }
                    kept.append(t);
                }
            }
            if (q > 0) {
                int at = 0;
                while (at < qs.size() && qs.get(at) >= q) {
                    at++;
                }
                ranges.add(at, kept.toString());
                qs.add(at, q);
            }
        }
        return ranges;
    }
}
