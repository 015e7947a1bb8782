package io.featureduck.dataplane.grpc;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of Feast's {@code GrpcFeatureServer} push calls ({@code feast/serving/GrpcServer.proto}): that file
 * declares no package, so no Java class generated from it can be imported; its four messages are declared here field
 * for field, and read and written as protobuf's own {@link DynamicMessage}s.
 *
 * <pre>
 * message PushRequest {map&lt;string, string&gt; features = 1; string stream_feature_view = 2;
 *                      bool allow_registry_cache = 3; string to = 4;}
 * message PushResponse {bool status = 1;}
 * message WriteToOnlineStoreRequest {map&lt;string, string&gt; features = 1; string feature_view_name = 2;
 *                                    bool allow_registry_cache = 3;}
 * message WriteToOnlineStoreResponse {bool status = 1;}
 * </pre>
 */
final class FeastPushMessages {
    static final Descriptors.Descriptor PUSH_REQUEST;
    static final Descriptors.Descriptor PUSH_RESPONSE;
    static final Descriptors.Descriptor WRITE_REQUEST;
    static final Descriptors.Descriptor WRITE_RESPONSE;

    static {
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("feast/serving/GrpcServer.proto")
                .setSyntax("proto3")
                .addMessageType(request("PushRequest", "stream_feature_view", true))
                .addMessageType(response("PushResponse"))
                .addMessageType(request("WriteToOnlineStoreRequest", "feature_view_name", false))
                .addMessageType(response("WriteToOnlineStoreResponse"))
                .build();
        try {
            Descriptors.FileDescriptor descriptor =
                    Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]);
            PUSH_REQUEST = descriptor.findMessageTypeByName("PushRequest");
            PUSH_RESPONSE = descriptor.findMessageTypeByName("PushResponse");
            WRITE_REQUEST = descriptor.findMessageTypeByName("WriteToOnlineStoreRequest");
            WRITE_RESPONSE = descriptor.findMessageTypeByName("WriteToOnlineStoreResponse");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private FeastPushMessages() {}

    private static DescriptorProto request(String name, String target, boolean withTo) {
        DescriptorProto entry = DescriptorProto.newBuilder()
                .setName("FeaturesEntry")
                .setOptions(MessageOptions.newBuilder().setMapEntry(true))
                .addField(field("key", 1, FieldDescriptorProto.Type.TYPE_STRING))
                .addField(field("value", 2, FieldDescriptorProto.Type.TYPE_STRING))
                .build();
        DescriptorProto.Builder message = DescriptorProto.newBuilder()
                .setName(name)
                .addNestedType(entry)
                .addField(FieldDescriptorProto.newBuilder()
                        .setName("features")
                        .setNumber(1)
                        .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED)
                        .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                        .setTypeName("." + name + ".FeaturesEntry"))
                .addField(field(target, 2, FieldDescriptorProto.Type.TYPE_STRING))
                .addField(field("allow_registry_cache", 3, FieldDescriptorProto.Type.TYPE_BOOL));
        if (withTo) {
            message.addField(field("to", 4, FieldDescriptorProto.Type.TYPE_STRING));
        }
        return message.build();
    }

    private static DescriptorProto response(String name) {
        return DescriptorProto.newBuilder()
                .setName(name)
                .addField(field("status", 1, FieldDescriptorProto.Type.TYPE_BOOL))
                .build();
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder()
                .setName(name)
                .setNumber(number)
                .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL)
                .setType(type)
                .build();
    }

    /** The {@code features} map of a push request: one row, each value as text. */
    static Map<String, String> features(Message request) {
        Descriptors.FieldDescriptor features = request.getDescriptorForType().findFieldByName("features");
        Descriptors.Descriptor entry = features.getMessageType();
        Map<String, String> row = new LinkedHashMap<>();
        for (Object item : (List<?>) request.getField(features)) {
            Message pair = (Message) item;
            row.put((String) pair.getField(entry.findFieldByName("key")), (String)
                    pair.getField(entry.findFieldByName("value")));
        }
        return row;
    }

    static String text(Message request, String field) {
        return (String) request.getField(request.getDescriptorForType().findFieldByName(field));
    }

    static DynamicMessage ok(Descriptors.Descriptor response) {
        return DynamicMessage.newBuilder(response)
                .setField(response.findFieldByName("status"), true)
                .build();
    }
}
