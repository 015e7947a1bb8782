package io.featureduck.dataplane.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featureduck.dataplane.error.ErrorCode;
import io.featureduck.dataplane.error.FeatureDuckException;
import io.featureduck.dataplane.lookup.FeatureList;
import java.io.IOException;
import java.util.Optional;

/**
 * The body of Feast's {@code POST /get-online-features}, read in one pass over the bytes (no JSON tree): the feature
 * list is kept as the bytes it came in, join keys as numbers; other fields are skipped.
 *
 * @param features       the {@code features} as sent (absent when not sent)
 * @param featureService {@code feature_service}
 * @param entities       {@code entities}
 * @param requestContext {@code request_context}
 * @param fullNames      {@code full_feature_names}
 * @param viewVersions   {@code include_feature_view_version_metadata}
 */
record FeastRequest(
        FeatureList features,
        Optional<String> featureService,
        JsonColumns entities,
        JsonColumns requestContext,
        boolean fullNames,
        boolean viewVersions) {

    /**
     * Reads {@code body[offset..offset+length)} with {@code mapper}'s (strict) parser settings.
     *
     * @throws FeatureDuckException INVALID_JSON or INVALID_FIELD naming what was wrong
     */
    static FeastRequest read(byte[] body, int offset, int length, ObjectMapper mapper) {
        if (length == 0) {
            throw new FeatureDuckException(ErrorCode.INVALID_JSON, "request body is empty; send a JSON object");
        }
        try (JsonParser parser = mapper.getFactory().createParser(body, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new FeatureDuckException(ErrorCode.INVALID_JSON, "request body must be a JSON object");
            }
            int featuresStart = 0;
            int featuresEnd = 0;
            Optional<String> service = Optional.empty();
            JsonColumns entities = JsonColumns.none();
            JsonColumns context = JsonColumns.none();
            boolean fullNames = false;
            boolean versions = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "features" -> {
                        if (value == JsonToken.START_ARRAY || value == JsonToken.START_OBJECT) {
                            featuresStart = (int) parser.currentTokenLocation().getByteOffset();
                            parser.skipChildren();
                            featuresEnd = (int) parser.currentLocation().getByteOffset();
                        } else if (value != JsonToken.VALUE_NULL) {
                            throw new FeatureDuckException(
                                    ErrorCode.INVALID_FIELD, "field 'features' must be a " + "list of view:feature");
                        }
                    }
                    case "feature_service" -> service = service(parser, value);
                    case "entities" -> entities = JsonColumns.read(parser, "entities");
                    case "request_context" -> context = JsonColumns.read(parser, "request_context");
                    case "full_feature_names" -> fullNames = bool(value, field);
                    case "include_feature_view_version_metadata" -> versions = bool(value, field);
                    default -> parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new FeatureDuckException(
                        ErrorCode.INVALID_JSON,
                        "request body is not valid JSON: content " + "after the end of the object");
            }
            FeatureList features =
                    JsonFeatureList.of(body, offset + featuresStart, featuresEnd - featuresStart, mapper);
            return new FeastRequest(features, service, entities, context, fullNames, versions);
        } catch (JsonProcessingException e) {
            throw new FeatureDuckException(
                    ErrorCode.INVALID_JSON, "request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new FeatureDuckException(ErrorCode.INVALID_JSON, "request body cannot be read: " + e.getMessage());
        }
    }

    private static Optional<String> service(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field 'feature_service' must be a name");
        }
        return Optional.of(parser.getText());
    }

    private static boolean bool(JsonToken value, String field) {
        if (value == JsonToken.VALUE_NULL) {
            return false;
        }
        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw new FeatureDuckException(ErrorCode.INVALID_FIELD, "field '" + field + "' must be true or false");
        }
        return value == JsonToken.VALUE_TRUE;
    }
}
