package mirage.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.maven.plugin.Mojo;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The hand-written plugin.xml against the mojo classes Maven injects it into. */
class PluginDescriptorTest {

    private static Document descriptor() throws Exception {
        try (InputStream in = PluginDescriptorTest.class.getResourceAsStream("/META-INF/maven/plugin.xml")) {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getElementsByTagName(name);
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    private static String text(Element parent, String name) {
        return parent.getElementsByTagName(name).item(0).getTextContent().strip();
    }

    private static Field field(Class<?> c, String name) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            try {
                return k.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        return null;
    }

    @Test
    void theFourGoalsAreMojosAndImageIsBoundToPackage() throws Exception {
        Document d = descriptor();
        Element plugin = d.getDocumentElement();
        assertEquals("mirage", text(plugin, "goalPrefix"));
        assertEquals("mirage-maven-plugin", text(plugin, "artifactId"));
        assertTrue(!text(plugin, "version").contains("@"), "the version is filled in at build time");
        List<String> goals = new ArrayList<>();
        for (Element mojo : children(plugin, "mojo")) {
            String goal = text(mojo, "goal");
            goals.add(goal);
            Class<?> c = Class.forName(text(mojo, "implementation"));
            assertTrue(Mojo.class.isAssignableFrom(c), goal);
            if (goal.equals("image")) {
                assertEquals("package", text(mojo, "phase"));
            }
        }
        assertEquals(List.of("configure", "describe", "image", "run"), goals);
    }

    @Test
    void everyParameterAndRequirementIsAFieldOfItsType() throws Exception {
        for (Element mojo : children(descriptor().getDocumentElement(), "mojo")) {
            Class<?> c = Class.forName(text(mojo, "implementation"));
            for (Element p : children(mojo, "parameter")) {
                String name = text(p, "name");
                Field f = field(c, name);
                assertTrue(f != null, c.getSimpleName() + " has no field " + name);
                String type = text(p, "type");
                assertEquals(type, f.getType().getName(), c.getSimpleName() + "." + name);
            }
            for (Element r : children(mojo, "requirement")) {
                Field f = field(c, text(r, "field-name"));
                assertTrue(f != null && f.getType().getName().equals(text(r, "role")), c.getSimpleName() + " requirement");
            }
            Element configuration = (Element) mojo.getElementsByTagName("configuration").item(0);
            NodeList configured = configuration.getChildNodes();
            for (int i = 0; i < configured.getLength(); i++) {
                if (configured.item(i) instanceof Element e) {
                    assertTrue(field(c, e.getTagName()) != null, c.getSimpleName() + " configures unknown " + e.getTagName());
                }
            }
        }
    }
}
