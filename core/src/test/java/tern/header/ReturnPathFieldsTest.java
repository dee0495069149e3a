package tern.header;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReturnPathFieldsTest {

    private static String remove(String message) {
        return new String(ReturnPathFields.remove(message.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    @Test
    void aMessageWithoutReturnPathIsTheSameArray() {
        byte[] message = "Received: from x\r\nSubject: hi\r\n\r\nReturn-Path: <in the body>\r\n".getBytes(StandardCharsets.UTF_8);
        assertThat(ReturnPathFields.remove(message)).isSameAs(message);
    }

    @Test
    void everyReturnPathFieldOfTheHeaderSectionGoesInAnyCase() {
        assertThat(remove("Return-Path: <forged@evil.example>\r\nReceived: from x\r\nreturn-PATH: <b@evil.example>\r\n"
                + "Subject: hi\r\nRETURN-PATH : <c@evil.example>\r\n\r\nbody\r\n"))
                .isEqualTo("Received: from x\r\nSubject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void foldedContinuationLinesGoWithTheirField() {
        assertThat(remove("Subject: hi\r\nReturn-Path:\r\n <forged@evil.example>\r\n\t(comment)\r\nFrom: a@b\r\n\r\nx\r\n"))
                .isEqualTo("Subject: hi\r\nFrom: a@b\r\n\r\nx\r\n");
    }

    @Test
    void theBodyAndSimilarFieldNamesAreLeftAlone() {
        String message = "Return-Paths: <not this one>\r\nX-Return-Path: <nor this>\r\nSubject: hi\r\n\r\n"
                + "Return-Path: <part of the body>\r\n";
        assertThat(remove(message)).isEqualTo(message);
    }

    @Test
    void aLastFieldWithoutLineEndAndBareLfLinesAreHandled() {
        assertThat(remove("Subject: hi\nReturn-Path: <x@y>\n\nbody\n")).isEqualTo("Subject: hi\n\nbody\n");
        assertThat(remove("Subject: hi\r\nReturn-Path: <x@y>")).isEqualTo("Subject: hi\r\n");
    }
}
