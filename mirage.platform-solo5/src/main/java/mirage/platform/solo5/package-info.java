/** Entry points to the Solo5 platform. Signatures only. */
package mirage.platform.solo5;
