package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.config.FeatureRef;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.FeatureList;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code features} of a Feast request as the bytes it arrived in: the plan cache compares bytes, so a repeated
 * list is neither parsed into strings nor resolved again. Parsed only when the list is new.
 */
final class JsonFeatureList implements FeatureList {
    private static final FeatureList ABSENT = FeatureList.of(List.of());

    private final byte[] body;
    private final int offset;
    private final int length;
    private final ObjectMapper mapper;
    private final int hash;

    private JsonFeatureList(byte[] body, int offset, int length, ObjectMapper mapper) {
        this.body = body;
        this.offset = offset;
        this.length = length;
        this.mapper = mapper;
        int h = 1;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + body[i];
        }
        this.hash = h;
    }

    /** The list at {@code body[offset..offset+length)}; absent when the request sent none. */
    static FeatureList of(byte[] body, int offset, int length, ObjectMapper mapper) {
        return length == 0 ? ABSENT : new JsonFeatureList(body, offset, length, mapper);
    }

    @Override
    public boolean isEmpty() {
        return false;
    }

    @Override
    public List<FeatureRef> refs() {
        JsonNode refs;
        try (JsonParser parser = mapper.getFactory().createParser(body, offset, length)) {
            refs = mapper.readTree(parser);
        } catch (IOException e) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_JSON, "field 'features' cannot be read: " + e.getMessage());
        }
        // Feast's JSON form of a FeatureList may also arrive as {"val": [...]}.
        JsonNode list = refs.isObject() && refs.has("val") ? refs.get("val") : refs;
        if (!list.isArray()) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field 'features' must be a list of view:feature");
        }
        if (list.isEmpty()) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_FIELD, "field 'features' must name at least one view:feature");
        }
        List<FeatureRef> features = new ArrayList<>(list.size());
        for (JsonNode node : list) {
            features.add(FeatureRef.parse(node.isTextual() ? node.textValue() : node.toString()));
        }
        return features;
    }

    @Override
    public int cacheHash() {
        return hash;
    }

    @Override
    public Object cacheKey() {
        return Arrays.copyOfRange(body, offset, offset + length);
    }

    @Override
    public boolean matches(Object key) {
        return key instanceof byte[] bytes && Arrays.equals(bytes, 0, bytes.length, body, offset, offset + length);
    }
}
