/** Clock and sleep signatures, with static factories over a platform or an event loop. */
package mirage.time;
